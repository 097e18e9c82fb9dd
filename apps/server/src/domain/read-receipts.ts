/**
 * Read-receipt privacy is reciprocal, as in WhatsApp: a user who turns read receipts off neither
 * sends nor sees them. Between two users, a read mark reaches the other side (push, update log,
 * `peerReadUpToSeq`, `isRead` of the messages one sent) only while both have them on.
 */
import type { Message } from '@parley/protocol';

export function readReceiptsShared(a: number, b: number, off: ReadonlySet<number>): boolean {
  return !off.has(a) && !off.has(b);
}

/**
 * A message as its viewer may see it: the sender of a message is not told whether it was read
 * unless both share read receipts. The receiver's own `isRead` (their own read mark) stays.
 */
export function withReadStateFor(message: Message, viewerId: number, off: ReadonlySet<number>): Message {
  if (message.senderId !== viewerId || !message.isRead || readReceiptsShared(message.senderId, message.receiverId, off)) return message;
  return { ...message, isRead: false };
}
