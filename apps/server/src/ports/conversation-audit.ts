import type { Message } from '@parley/protocol';
import type { HistoryRange } from './message-store.js';

/**
 * An operator's read of a conversation: every message as stored, whatever either user hid or
 * cleared for themselves and whether the conversation was unmatched (reports and audits need
 * what was said, not what a user still sees).
 */
export interface ConversationAudit {
  /** One page, ascending seq; exchange results rendered as `renderFor` sees them. */
  history(conversationId: number, renderFor: number, range: HistoryRange): Promise<{ items: Message[]; hasMore: boolean }>;
}
