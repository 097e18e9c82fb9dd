import type { Message } from '@parley/protocol';
import { AppError } from '../domain/app-error.js';
import type { ConversationStateStore } from '../ports/conversation-state-store.js';
import type { MessageStore } from '../ports/message-store.js';

/** Whether a user still sees a message of their conversations (not hidden or cleared for them, not unmatched). */
export type MessageVisibility = Pick<ConversationStateStore, 'isVisible'>;

/**
 * A message the user can act on (edit, react to, quote): one of their conversations that they
 * still see. Anything else is MESSAGE_NOT_FOUND, exactly like an unknown id, so that ids reveal
 * nothing; `visibility` absent counts every message of their conversations as seen.
 */
export async function visibleMessage(messages: MessageStore, visibility: MessageVisibility | undefined, userId: number, messageId: number): Promise<Message> {
  const message = await messages.getById(messageId, userId);
  if (!message || (message.senderId !== userId && message.receiverId !== userId) || (visibility && !(await visibility.isVisible(userId, messageId)))) {
    throw new AppError('MESSAGE_NOT_FOUND', `message ${messageId} does not exist`);
  }
  return message;
}
