import type { ReplySnapshot } from '@parley/protocol';
import { AppError } from '../domain/app-error.js';
import { pairKey } from '../domain/conversation-pair.js';
import { replySnapshotOf } from '../domain/reply-snapshot.js';
import type { MessageStore } from '../ports/message-store.js';
import { visibleMessage, type MessageVisibility } from './visible-message.js';

/**
 * The quote of a reply from `senderId` to `receiverId`: the quoted message must be in their
 * conversation and not recalled. A message the sender cannot see is MESSAGE_NOT_FOUND, exactly
 * like an unknown id; one of another of their conversations, or a recalled one, is refused.
 */
export async function replySnapshotFor(
  lookup: { messages: MessageStore; visibility?: MessageVisibility | undefined },
  senderId: number,
  receiverId: number,
  replyToId: number,
): Promise<ReplySnapshot> {
  const quoted = await visibleMessage(lookup.messages, lookup.visibility, senderId, replyToId);
  if (pairKey(quoted.senderId, quoted.receiverId) !== pairKey(senderId, receiverId)) {
    throw new AppError('VALIDATION_FAILED', 'replyToId: a reply must quote a message of the same conversation');
  }
  if (quoted.status === 'RECALLED') throw new AppError('VALIDATION_FAILED', 'replyToId: a recalled message cannot be quoted');
  return replySnapshotOf(quoted);
}
