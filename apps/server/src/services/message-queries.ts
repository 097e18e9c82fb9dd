import { LIMITS, type Conversation, type ConversationPage, type HistoryPage, type Message, type SyncPage } from '@parley/protocol';
import { AppError } from '../domain/app-error.js';
import type { ConversationStateStore } from '../ports/conversation-state-store.js';
import type { ConversationCursor, ConversationStore } from '../ports/conversation-store.js';
import type { MessageStore } from '../ports/message-store.js';
import type { PresenceStore } from '../ports/presence-store.js';
import type { UpdateLog } from '../ports/update-log.js';
import type { UserSettingsStore } from '../ports/user-settings-store.js';
import type { UserStore } from '../ports/user-store.js';
import { readReceiptsShared, withReadStateFor } from '../domain/read-receipts.js';
import { requireParticipant } from './participation.js';

export interface MessageQueriesDeps {
  messages: MessageStore;
  conversations: ConversationStore;
  users: UserStore;
  presence: PresenceStore;
  updates: UpdateLog;
  /** Each user's own view: what they hid or cleared, their unread total. */
  state: ConversationStateStore;
  /** Read receipts turned off: the sender of a message is then not shown whether it was read. */
  settings: UserSettingsStore;
}

/** The reads of messaging: one message, history, the conversation list and the update log. None of them changes anything. */
export class MessageQueries {
  constructor(private readonly deps: MessageQueriesDeps) {}

  /**
   * One message as the caller sees it. A message of someone else's conversation is
   * MESSAGE_NOT_FOUND, exactly like an unknown id, so that ids do not reveal which messages exist.
   * So is a message gone from the caller's view: hidden or cleared for them, or of an unmatched conversation.
   */
  async getMessage(userId: number, messageId: number): Promise<Message> {
    const message = await this.deps.messages.getById(messageId, userId);
    if (!message || (message.senderId !== userId && message.receiverId !== userId) || !(await this.deps.state.isVisible(userId, messageId))) {
      throw new AppError('MESSAGE_NOT_FOUND', `message ${messageId} does not exist`);
    }
    return withReadStateFor(message, userId, await this.deps.settings.withReadReceiptsOff([message.senderId, message.receiverId]));
  }

  /** Throws unless the user takes part in the conversation (hub group calls check only this). */
  async requireParticipant(userId: number, conversationId: number): Promise<void> {
    await requireParticipant(this.deps.conversations, userId, conversationId);
  }

  async history(userId: number, peerId: number, range: { beforeSeq?: number; afterSeq?: number; limit?: number }): Promise<HistoryPage> {
    if (peerId === userId) throw new AppError('SELF_CHAT', 'userId: there is no conversation with yourself');
    const conversation = await this.deps.conversations.findByPair(userId, peerId);
    if (!conversation) {
      if (!(await this.deps.users.get(peerId))) throw new AppError('USER_NOT_FOUND', `user ${peerId} does not exist`);
      return { items: [], hasMore: false };
    }
    const [page, off] = await Promise.all([
      this.deps.messages.history(conversation.id, userId, {
        ...(range.beforeSeq !== undefined ? { beforeSeq: range.beforeSeq } : {}),
        ...(range.afterSeq !== undefined ? { afterSeq: range.afterSeq } : {}),
        limit: range.limit ?? LIMITS.historyDefaultLimit,
      }),
      this.deps.settings.withReadReceiptsOff([userId, peerId]),
    ]);
    return { ...page, items: page.items.map((m) => withReadStateFor(m, userId, off)) };
  }

  /** My listed conversations: the archived ones when `archived` is true, all others otherwise; pinned first. */
  async conversations(userId: number, options: { limit?: number; before?: string; archived?: boolean }): Promise<ConversationPage> {
    const limit = options.limit ?? LIMITS.conversationsDefaultLimit;
    const before = options.before ? decodeCursor(options.before) : null;
    // The position first: a change committed while the list is read then lies above it, so a
    // client that starts counting from it still takes that change's push (or /sync) as new.
    const userSeq = await this.deps.users.latestUserSeq(userId);
    const [sides, unreadTotal] = await Promise.all([
      this.deps.conversations.listSides(userId, before, limit + 1, { archived: options.archived ?? false }),
      this.deps.state.unreadTotal(userId),
    ]);
    const page = sides.slice(0, limit);
    const peerIds = page.map((s) => s.peerId);
    const [profiles, presence, off] = await Promise.all([
      this.deps.users.getMany(peerIds),
      this.deps.presence.lookup(peerIds),
      this.deps.settings.withReadReceiptsOff([userId, ...peerIds]),
    ]);
    const items: Conversation[] = page.map((side) => {
      const profile = profiles.get(side.peerId);
      const state = presence.get(side.peerId);
      const lastSeen = state?.lastSeenAt ?? profile?.lastSeenAt ?? null;
      return {
        id: side.id,
        peer: {
          id: side.peerId,
          name: profile?.name ?? null,
          avatarUrl: profile?.avatarUrl ?? null,
          online: state?.online ?? false,
          lastSeenAt: state?.online ? null : lastSeen ? lastSeen.toISOString() : null,
        },
        lastMessage: side.lastMessage && withReadStateFor(side.lastMessage, userId, off),
        lastMessageTime: side.lastMessageAt ? side.lastMessageAt.toISOString() : null,
        lastSeq: side.lastSeq,
        unreadCount: side.unreadCount,
        myReadUpToSeq: side.myReadUpToSeq,
        peerReadUpToSeq: readReceiptsShared(userId, side.peerId, off) ? side.peerReadUpToSeq : null,
        pinned: side.pinnedAt !== null,
        muted: side.muted,
        archived: side.archived,
      };
    });
    const last = page[page.length - 1];
    return { items, userSeq, nextBefore: sides.length > limit && last ? encodeCursor(last) : null, unreadTotal };
  }

  async sync(userId: number, since: number, limit?: number): Promise<SyncPage> {
    const page = await this.deps.updates.since(userId, since, limit ?? LIMITS.syncDefaultLimit);
    // Messages (and edited messages) I sent replay as I may see them: not read, unless we share read receipts.
    const peers = page.events.flatMap((e) => ((e.type === 'message' || e.type === 'edit') && e.data.senderId === userId && e.data.isRead ? [e.data.receiverId] : []));
    if (peers.length === 0) return page;
    const off = await this.deps.settings.withReadReceiptsOff([userId, ...peers]);
    return {
      ...page,
      events: page.events.map((e) => (e.type === 'message' || e.type === 'edit' ? { ...e, data: withReadStateFor(e.data, userId, off) } : e)),
    };
  }

}

/** `<activityUs>_<id>`, behind a pinned conversation `p<pin time in ms>_<activityUs>_<id>`. */
function encodeCursor(side: { pinnedAt: Date | null; activityUs: number; id: number }): string {
  const position = `${side.activityUs}_${side.id}`;
  return side.pinnedAt ? `p${side.pinnedAt.getTime()}_${position}` : position;
}

function decodeCursor(cursor: string): ConversationCursor {
  const match = /^(?:p(\d{1,16})_)?(\d{1,16})_(\d{1,16})$/.exec(cursor);
  if (!match) throw new AppError('VALIDATION_FAILED', 'before: not a cursor returned as nextBefore');
  return { pinnedAt: match[1] === undefined ? null : new Date(Number(match[1])), activityUs: Number(match[2]), id: Number(match[3]) };
}
