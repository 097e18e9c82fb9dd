import type { UnmatchResult } from '@parley/protocol';
import { AppError } from '../domain/app-error.js';
import type { ConversationStore } from '../ports/conversation-store.js';
import type { UnmatchStore } from '../ports/unmatch-store.js';
import type { DeliveryService } from './delivery-service.js';
import { recipientsOf } from './recipients.js';

export interface UnmatchOutcomeForCaller {
  result: UnmatchResult;
  /** The caller's update-log position of the change; null when the conversation was already unmatched. */
  userSeq: number | null;
}

/**
 * Unmatch (docs/safety.md, "Unmatch"): either participant ends a conversation for both. It
 * leaves both lists and histories, neither may write again (the send path and exchange
 * requests answer BLOCKED), and the messages stay for reports and audits until an operator
 * restores it.
 */
export class UnmatchService {
  constructor(private readonly deps: { unmatches: UnmatchStore; conversations: ConversationStore; delivery: DeliveryService }) {}

  async unmatch(userId: number, conversationId: number, originSessionId?: string): Promise<UnmatchOutcomeForCaller> {
    const pair = await this.deps.conversations.participants(conversationId);
    if (!pair || !pair.includes(userId)) throw new AppError('CONVERSATION_NOT_FOUND', `conversation ${conversationId} does not exist`);
    const result: UnmatchResult = { conversationId, state: 'UNMATCHED' };
    const outcome = await this.deps.unmatches.unmatch(conversationId, userId, pair);
    if (outcome.kind === 'already') return { result, userSeq: null };
    await this.deps.delivery.publish({
      kind: 'conversation',
      body: result,
      recipients: recipientsOf(outcome.userSeqs, pair),
      ...(originSessionId ? { originSessionId } : {}),
    });
    return { result, userSeq: outcome.userSeqs.get(userId) ?? null };
  }

  /** The operator's undo: the two may write again, and both see the conversation again (`state: ACTIVE`). */
  async restore(conversationId: number): Promise<void> {
    const pair = await this.deps.conversations.participants(conversationId);
    const outcome = pair ? await this.deps.unmatches.restore(conversationId, pair) : ({ kind: 'already' } as const);
    if (!pair || outcome.kind === 'already') throw new AppError('CONVERSATION_NOT_FOUND', `conversation ${conversationId} is not unmatched`);
    await this.deps.delivery.publish({ kind: 'conversation', body: { conversationId, state: 'ACTIVE' }, recipients: recipientsOf(outcome.userSeqs, pair) });
  }

  /** Exchange requests between an unmatched pair are refused like a block. */
  async assertMatched(userA: number, userB: number): Promise<void> {
    const conversation = await this.deps.conversations.findByPair(userA, userB);
    if (conversation && (await this.deps.unmatches.isUnmatched(conversation.id))) {
      throw new AppError('BLOCKED', 'this conversation was unmatched: neither side may write in it');
    }
  }
}
