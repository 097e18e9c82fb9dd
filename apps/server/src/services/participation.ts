import { AppError } from '../domain/app-error.js';
import type { ConversationSide, ConversationStore } from '../ports/conversation-store.js';

/**
 * Throws unless the user takes part in the conversation: FORBIDDEN when it exists,
 * CONVERSATION_NOT_FOUND when not. Answers the user's side of it.
 */
export async function requireParticipant(conversations: ConversationStore, userId: number, conversationId: number): Promise<ConversationSide> {
  const side = await conversations.getSide(conversationId, userId);
  if (side) return side;
  if (await conversations.exists(conversationId)) throw new AppError('FORBIDDEN', `conversation ${conversationId} is not yours`);
  throw new AppError('CONVERSATION_NOT_FOUND', `conversation ${conversationId} does not exist`);
}
