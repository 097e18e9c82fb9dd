import { LIMITS, type Message } from '@parley/protocol';
import { AppError } from '../domain/app-error.js';
import type { ConversationAudit } from '../ports/conversation-audit.js';
import type { ConversationStore } from '../ports/conversation-store.js';
import type { HistoryRange } from '../ports/message-store.js';
import type { UserStore } from '../ports/user-store.js';

/** A participant as the console lists it; `name` and `avatarUrl` are null when the user row is gone. */
export interface AdminParticipant {
  id: number;
  name: string | null;
  avatarUrl: string | null;
}

/** One page of a conversation read by an operator, ascending `seq`, recalled messages included. */
export interface AdminConversationPage {
  conversationId: number;
  participants: [AdminParticipant, AdminParticipant];
  items: Message[];
  hasMore: boolean;
}

/**
 * What an operator holding the admin token may read that no user may: any conversation, without
 * taking part in it (reports and audits need the messages as they were stored).
 */
export class AdminService {
  constructor(private readonly deps: { conversations: ConversationStore; users: UserStore; audit: ConversationAudit }) {}

  async conversationMessages(conversationId: number, range: { beforeSeq?: number; afterSeq?: number; limit?: number }): Promise<AdminConversationPage> {
    const pair = await this.deps.conversations.participants(conversationId);
    if (!pair) throw new AppError('CONVERSATION_NOT_FOUND', `conversation ${conversationId} does not exist`);
    const historyRange: HistoryRange = { limit: range.limit ?? LIMITS.historyDefaultLimit };
    if (range.beforeSeq !== undefined) historyRange.beforeSeq = range.beforeSeq;
    if (range.afterSeq !== undefined) historyRange.afterSeq = range.afterSeq;
    // Only an exchange result looks different per viewer (each side sees what the other revealed):
    // the console reads every page as the lower id sees it, so pages agree with each other. What
    // either user hid or cleared, and an unmatch, hide nothing from the operator.
    const [page, profiles] = await Promise.all([this.deps.audit.history(conversationId, pair[0], historyRange), this.deps.users.getMany(pair)]);
    const participant = (id: number): AdminParticipant => ({ id, name: profiles.get(id)?.name ?? null, avatarUrl: profiles.get(id)?.avatarUrl ?? null });
    return { conversationId, participants: [participant(pair[0]), participant(pair[1])], items: page.items, hasMore: page.hasMore };
  }
}
