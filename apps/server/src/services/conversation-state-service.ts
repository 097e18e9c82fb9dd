import type { ConversationCleared, ConversationSettings, HideNotice } from '@parley/protocol';
import { AppError } from '../domain/app-error.js';
import type { ConversationStateStore, SettingsPatch } from '../ports/conversation-state-store.js';
import type { ConversationStore } from '../ports/conversation-store.js';
import type { DeliveryService } from './delivery-service.js';
import { requireParticipant } from './participation.js';

export interface ConversationStateDeps {
  state: ConversationStateStore;
  conversations: ConversationStore;
  delivery: DeliveryService;
}

/** A change of the caller's own view and its position in their log; null when nothing changed (nothing logged or pushed). */
export interface Logged<T> {
  value: T;
  userSeq: number | null;
}

/**
 * "Me" operations: each changes only the caller's own view of a conversation — hide a message
 * ("delete for me"), pin / mute / archive, clear — and goes to the caller's devices only (the peer
 * never learns of it). Each is naturally idempotent: asking for the state that already holds
 * changes, logs and pushes nothing. Changes are published only after they committed.
 */
export class ConversationStateService {
  constructor(private readonly deps: ConversationStateDeps) {}

  async hide(userId: number, messageId: number): Promise<Logged<HideNotice>> {
    const outcome = await this.deps.state.hide(userId, messageId);
    // Someone else's message, like an unknown id, is not found: ids do not reveal which messages exist.
    if (outcome.kind === 'not-found') throw new AppError('MESSAGE_NOT_FOUND', `message ${messageId} does not exist`);
    if (outcome.userSeq !== null) await this.deps.delivery.publish({ kind: 'hide', body: outcome.notice, recipients: [{ userId, userSeq: outcome.userSeq }] });
    return { value: outcome.notice, userSeq: outcome.userSeq };
  }

  async updateSettings(userId: number, conversationId: number, patch: SettingsPatch): Promise<Logged<ConversationSettings>> {
    await requireParticipant(this.deps.conversations, userId, conversationId);
    const outcome = await this.deps.state.updateSettings(userId, conversationId, patch);
    if (outcome.kind === 'unmatched') throw gone(conversationId);
    if (outcome.userSeq !== null) await this.deps.delivery.publish({ kind: 'conversation', body: { ...outcome.settings }, recipients: [{ userId, userSeq: outcome.userSeq }] });
    return { value: outcome.settings, userSeq: outcome.userSeq };
  }

  async clear(userId: number, conversationId: number): Promise<Logged<ConversationCleared>> {
    await requireParticipant(this.deps.conversations, userId, conversationId);
    const outcome = await this.deps.state.clear(userId, conversationId);
    if (outcome.kind === 'unmatched') throw gone(conversationId);
    const cleared: ConversationCleared = { conversationId, clearedUpToSeq: outcome.clearedUpToSeq };
    if (outcome.userSeq !== null) await this.deps.delivery.publish({ kind: 'conversation', body: { ...cleared }, recipients: [{ userId, userSeq: outcome.userSeq }] });
    return { value: cleared, userSeq: outcome.userSeq };
  }

  unreadTotal(userId: number): Promise<number> {
    return this.deps.state.unreadTotal(userId);
  }
}

/** An unmatched conversation is gone from both users' views. */
function gone(conversationId: number): AppError {
  return new AppError('CONVERSATION_NOT_FOUND', `conversation ${conversationId} does not exist`);
}
