import type { Message } from '@parley/protocol';
import { describe, expect, it } from 'vitest';
import type { DeliveryEvent } from '../../domain/delivery-event.js';
import { hubEventFor } from './hub-events.js';

const message: Message = {
  id: 5, conversationId: 3, seq: 2, senderId: 7, receiverId: 9, messageType: 'VOICE', content: '/media/v.m4a',
  extra: { durationMs: 2500 }, status: 'NORMAL', isRead: false, clientMsgId: '42', createdAt: '2026-11-21T08:00:00.000Z',
  editedAt: null, replyTo: null, reactions: [],
};

describe('hubEventFor', () => {
  const event: DeliveryEvent = { kind: 'message', body: message, recipients: [], originSessionId: 'me' };

  it('gives the calling connection MessageSent and others ReceiveMessage, with userSeq', () => {
    expect(hubEventFor(event, { userId: 7, userSeq: 11 }, 'me', () => 42)).toEqual({
      target: 'MessageSent',
      argument: { tempId: 42, messageId: 5, sessionId: 3, seq: 2, createTime: message.createdAt, userSeq: 11 },
    });
    const other = hubEventFor(event, { userId: 9, userSeq: 4 }, 'other');
    expect(other.target).toBe('ReceiveMessage');
    expect(other.argument).toMatchObject({ id: 5, sessionId: 3, messageType: 2, voiceUrl: '/media/v.m4a', voiceDuration: 3, extraData: '{"durationMs":2500}', status: 1, tempId: '42', userSeq: 4 });
  });

  it('maps read, presence, recall and per-recipient exchange bodies', () => {
    expect(hubEventFor({ kind: 'read', body: { conversationId: 3, readerId: 9, readUpToSeq: 2 }, recipients: [] }, { userId: 7, userSeq: 1 }, 's')).toEqual({
      target: 'MessagesRead',
      argument: { sessionId: 3, readerId: 9, readUpToSeq: 2, userSeq: 1 },
    });
    expect(hubEventFor({ kind: 'presence', body: { userId: 9, online: true, lastSeenAt: null }, recipients: [] }, { userId: 7, userSeq: null }, 's')).toEqual({ target: 'UserOnline', argument: { userId: 9 } });
    expect(hubEventFor({ kind: 'presence', body: { userId: 9, online: false, lastSeenAt: 'T' }, recipients: [] }, { userId: 7, userSeq: null }, 's')).toEqual({
      target: 'UserOffline',
      argument: { userId: 9, lastSeenAt: 'T' },
    });
    expect(hubEventFor({ kind: 'recall', body: { conversationId: 3, messageId: 5, seq: 2 }, recipients: [] }, { userId: 7, userSeq: 8 }, 's').target).toBe('MessageRecalled');
    const answer = { messageId: 1, requesterId: 7, responderId: 9, kind: 'WECHAT' as const, accepted: true, exchangedData: { userId: 9, wechatId: 'b' } };
    const mine = { ...answer, exchangedData: { userId: 7, wechatId: 'a' } };
    expect(hubEventFor({ kind: 'exchange', body: answer, recipients: [] }, { userId: 9, userSeq: 2, body: mine }, 's')).toEqual({ target: 'ExchangeResponded', argument: { ...mine, userSeq: 2 } });
  });

  it('maps an edit to MessageEdited with the hub message, and a reaction to ReactionChanged with sessionId', () => {
    const edited: Message = { ...message, messageType: 'TEXT', content: 'better', extra: null, editedAt: '2026-11-21T08:01:00.000Z' };
    expect(hubEventFor({ kind: 'edit', body: edited, recipients: [] }, { userId: 9, userSeq: 6 }, 's')).toEqual({
      target: 'MessageEdited',
      argument: expect.objectContaining({ id: 5, sessionId: 3, messageType: 1, content: 'better', editedAt: '2026-11-21T08:01:00.000Z', userSeq: 6 }),
    });
    const notice = { conversationId: 3, messageId: 5, seq: 2, userId: 9, emoji: '👍', reactions: [{ emoji: '👍', userIds: [9] }] };
    expect(hubEventFor({ kind: 'reaction', body: notice, recipients: [] }, { userId: 7, userSeq: 3 }, 's')).toEqual({
      target: 'ReactionChanged',
      argument: { sessionId: 3, messageId: 5, seq: 2, userId: 9, emoji: '👍', reactions: [{ emoji: '👍', userIds: [9] }], userSeq: 3 },
    });
  });
});
