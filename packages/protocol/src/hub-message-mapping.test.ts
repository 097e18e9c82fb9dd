import { describe, expect, it } from 'vitest';
import { fromHubMessage, toHubSendDto } from './hub-message-mapping.js';
import type { Message } from './model.js';
import { toHubMessage } from './signalr.js';

const base: Message = {
  id: 7,
  conversationId: 3,
  seq: 12,
  senderId: 1,
  receiverId: 2,
  messageType: 'TEXT',
  content: 'hi',
  extra: null,
  status: 'NORMAL',
  isRead: false,
  clientMsgId: 'c-1',
  createdAt: '2026-01-01T00:00:00.000Z',
  editedAt: null,
  replyTo: null,
  reactions: [],
};

describe('hub message mapping', () => {
  it('gives back the canonical message that toHubMessage started from', () => {
    const voice: Message = { ...base, messageType: 'VOICE', content: 'https://x/v.m4a', extra: { durationMs: 2500 }, status: 'RECALLED' };
    const reply: Message = {
      ...base,
      editedAt: '2026-01-01T00:05:00.000Z',
      replyTo: { id: 5, seq: 10, senderId: 2, messageType: 'IMAGE', preview: '' },
      reactions: [{ emoji: '👍', userIds: [2, 1] }],
    };
    for (const message of [base, voice, reply, { ...base, clientMsgId: null, extra: { w: 1 } }]) {
      expect(fromHubMessage(toHubMessage(message))).toEqual(message);
    }
  });

  it('adds editedAt, replyTo and reactions to the hub message only when they say something', () => {
    for (const key of ['editedAt', 'replyTo', 'reactions']) expect(toHubMessage(base)).not.toHaveProperty(key);
    const edited = toHubMessage({ ...base, editedAt: '2026-01-01T00:05:00.000Z', reactions: [{ emoji: '❤️', userIds: [2] }] });
    expect(edited).toMatchObject({ editedAt: '2026-01-01T00:05:00.000Z', reactions: [{ emoji: '❤️', userIds: [2] }] });
    expect(edited).not.toHaveProperty('replyTo');
  });

  it('turns a numeric tempId into a string clientMsgId, and whole seconds into durationMs without extra', () => {
    const hub = { ...toHubMessage({ ...base, messageType: 'VOICE', extra: null }), voiceDuration: 4, tempId: 1700000000000 };
    expect(fromHubMessage(hub)).toMatchObject({ clientMsgId: '1700000000000', extra: { durationMs: 4000 } });
  });

  it('builds the SendMessage dto with the type number, tempId and extra as a JSON string', () => {
    expect(toHubSendDto({ receiverId: 2, messageType: 'EMOJI', content: 'smile', clientMsgId: 'c-9', extra: { a: 1 } })).toEqual({
      receiverId: 2,
      messageType: 9,
      content: 'smile',
      tempId: 'c-9',
      extraData: '{"a":1}',
    });
    expect(toHubSendDto({ receiverId: 2, content: 'yes', replyToId: 41 })).toEqual({ receiverId: 2, messageType: 1, content: 'yes', replyToId: 41 });
  });
});

describe('CUSTOM messages on the hub', () => {
  it('travel as messageType 10 with the host app object in extraData, both ways', () => {
    const custom: Message = { ...base, messageType: 'CUSTOM', content: '[礼物] 一束花', extra: { kind: 'gift', sku: 'rose-11', count: 11 } };
    const hub = toHubMessage(custom);
    expect(hub).toMatchObject({ messageType: 10, content: '[礼物] 一束花', extraData: '{"kind":"gift","sku":"rose-11","count":11}', voiceUrl: null });
    expect(fromHubMessage(hub)).toEqual(custom);
    expect(toHubSendDto({ receiverId: 2, messageType: 'CUSTOM', content: '[礼物]', extra: { kind: 'gift' } })).toEqual({
      receiverId: 2,
      messageType: 10,
      content: '[礼物]',
      extraData: '{"kind":"gift"}',
    });
  });
});
