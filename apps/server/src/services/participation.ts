import { AppError } from '../domain/app-error.js';
import type { ConversationStore } from '../ports/conversation-store.js';

/** Throws unless the user takes part in the conversation: FORBIDDEN when it exists, CONVERSATION_NOT_FOUND when not. */
export async function requireParticipant(conversations: ConversationStore, userId: number, conversationId: number): Promise<void> {
  const side = await conversations.getSide(conversationId, userId);
  if (side) return;
  if (await conversations.exists(conversationId)) throw new AppError('FORBIDDEN', `conversation ${conversationId} is not yours`);
  throw new AppError('CONVERSATION_NOT_FOUND', `conversation ${conversationId} does not exist`);
}
