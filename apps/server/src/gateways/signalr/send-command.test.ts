import { describe, expect, it } from 'vitest';
import { toSendCommand } from './send-command.js';

describe('toSendCommand', () => {
  it('maps text with a tempId', () => {
    expect(toSendCommand({ tempId: 't1', receiverId: 9, messageType: 1, content: 'hi' })).toEqual({ receiverId: 9, messageType: 'TEXT', content: 'hi', clientMsgId: 't1' });
  });

  it('maps voice url and seconds to content and durationMs', () => {
    expect(toSendCommand({ tempId: 5, receiverId: 9, messageType: 2, voiceUrl: '/media/v.m4a', voiceDuration: 3.5 })).toEqual({
      receiverId: 9,
      messageType: 'VOICE',
      content: '/media/v.m4a',
      clientMsgId: 5,
      extra: { durationMs: 3500 },
    });
  });

  it('parses extraData and refuses non-objects', () => {
    expect(toSendCommand({ receiverId: 9, messageType: 3, content: '/media/i.png', extraData: '{"width":1}' })).toMatchObject({ messageType: 'IMAGE', extra: { width: 1 }, clientMsgId: null });
    expect(() => toSendCommand({ receiverId: 9, messageType: 3, content: 'x', extraData: '[1]' })).toThrow(/extraData/);
    expect(() => toSendCommand({ receiverId: 9, messageType: 3, content: 'x', extraData: '{' })).toThrow(/extraData/);
  });

  it('refuses exchange types', () => {
    for (const messageType of [4, 5, 6, 7]) expect(() => toSendCommand({ receiverId: 9, messageType, content: '' })).toThrow(/VALIDATION|cannot be sent/);
    expect(toSendCommand({ receiverId: 9, messageType: 8, content: '/media/v.mp4' }).messageType).toBe('VIDEO');
    expect(toSendCommand({ receiverId: 9, messageType: 9, content: 'smile' }).messageType).toBe('EMOJI');
  });
});
