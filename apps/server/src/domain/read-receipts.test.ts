import type { Message } from '@parley/protocol';
import { describe, expect, it } from 'vitest';
import { readReceiptsShared, withReadStateFor } from './read-receipts.js';

const message: Message = {
  id: 1, conversationId: 1, seq: 1, senderId: 7, receiverId: 9, messageType: 'TEXT', content: 'hi', extra: null, status: 'NORMAL',
  isRead: true, clientMsgId: null, createdAt: '2026-01-01T00:00:00.000Z', editedAt: null, replyTo: null, reactions: [],
};

describe('read receipts', () => {
  it('are shared only while neither side turned them off', () => {
    expect(readReceiptsShared(7, 9, new Set())).toBe(true);
    expect(readReceiptsShared(7, 9, new Set([7]))).toBe(false);
    expect(readReceiptsShared(7, 9, new Set([9]))).toBe(false);
    expect(readReceiptsShared(7, 9, new Set([8]))).toBe(true);
  });

  it('hide from the sender whether a message was read, on either side turning them off', () => {
    for (const off of [new Set([7]), new Set([9])]) expect(withReadStateFor(message, 7, off)).toEqual({ ...message, isRead: false });
    expect(withReadStateFor(message, 7, new Set())).toBe(message);
  });

  it("leave the receiver's own read state, and an unread message, as they are", () => {
    expect(withReadStateFor(message, 9, new Set([7, 9]))).toBe(message);
    const unread = { ...message, isRead: false };
    expect(withReadStateFor(unread, 7, new Set([9]))).toBe(unread);
  });
});
