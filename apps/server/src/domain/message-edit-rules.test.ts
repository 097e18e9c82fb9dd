import type { Message } from '@parley/protocol';
import { describe, expect, it } from 'vitest';
import { checkEditable, checkReactable, checkReaction } from './message-edit-rules.js';

const sentAt = '2026-12-01T10:00:00.000Z';
const message: Message = {
  id: 1, conversationId: 2, seq: 3, senderId: 7, receiverId: 9, messageType: 'TEXT', content: 'hi', extra: null, status: 'NORMAL',
  isRead: false, clientMsgId: null, createdAt: sentAt, editedAt: null, replyTo: null, reactions: [],
};
const after = (ms: number) => new Date(Date.parse(sentAt) + ms);
const HOUR = 3_600_000;

describe('checkEditable', () => {
  it('lets the sender edit a TEXT message up to the end of the window, and not a millisecond later', () => {
    expect(() => checkEditable(message, 7, after(24 * HOUR), 24 * HOUR)).not.toThrow();
    expect(() => checkEditable(message, 7, after(24 * HOUR + 1), 24 * HOUR)).toThrow(expect.objectContaining({ code: 'EDIT_WINDOW_PASSED', message: 'a message can be edited within 24 hours of sending' }));
    expect(() => checkEditable(message, 7, after(61_000), 60_000)).toThrow('within 1 minute of sending');
    expect(() => checkEditable(message, 7, after(0), 0)).toThrow(expect.objectContaining({ code: 'EDIT_WINDOW_PASSED', message: 'editing messages is turned off' }));
  });

  it('refuses the receiver, other types and recalled messages', () => {
    expect(() => checkEditable(message, 9, after(1), HOUR)).toThrow(expect.objectContaining({ code: 'FORBIDDEN' }));
    expect(() => checkEditable({ ...message, messageType: 'IMAGE' }, 7, after(1), HOUR)).toThrow(expect.objectContaining({ code: 'VALIDATION_FAILED', message: 'messageId: only TEXT messages can be edited' }));
    expect(() => checkEditable({ ...message, status: 'RECALLED' }, 7, after(1), HOUR)).toThrow(expect.objectContaining({ code: 'VALIDATION_FAILED', message: 'messageId: a recalled message cannot be edited' }));
  });

  it('names the sender rule before the window, so a stranger learns nothing about the age', () => {
    expect(() => checkEditable(message, 9, after(48 * HOUR), HOUR)).toThrow(expect.objectContaining({ code: 'FORBIDDEN' }));
  });
});

describe('checkReaction', () => {
  it('takes emojis of 1–16 characters counted as code points, and short sticker codes', () => {
    for (const emoji of ['👍', '❤️', '🇨🇳', '👨‍👩‍👧‍👦', '[微笑]', 'x'.repeat(16)]) expect(checkReaction(emoji)).toBe(emoji);
  });

  it('refuses empty, longer than 16 characters, spaces and control characters', () => {
    for (const emoji of ['', 'x'.repeat(17), '👍 ', 'a b', 'a\tb', '\u0007']) {
      expect(() => checkReaction(emoji), JSON.stringify(emoji)).toThrow(expect.objectContaining({ code: 'VALIDATION_FAILED', message: 'emoji: 1–16 characters without spaces' }));
    }
  });
});

describe('checkReactable', () => {
  it('refuses a recalled message only', () => {
    expect(() => checkReactable(message)).not.toThrow();
    expect(() => checkReactable({ ...message, messageType: 'EXCHANGE_WECHAT_RESULT' })).not.toThrow();
    expect(() => checkReactable({ ...message, status: 'RECALLED' })).toThrow(expect.objectContaining({ code: 'VALIDATION_FAILED' }));
  });
});
