import { LIMITS, type Conversation, type ConversationPage, type HistoryPage, type Message, type SendableMessageType, type SyncPage } from '@parley/protocol';
import { AppError, isAppError } from '../domain/app-error.js';
import { checkOutgoingContent, isMediaType, mediaKeyOf } from '../domain/message-rules.js';
import type { Clock } from '../ports/clock.js';
import type { ConversationStore } from '../ports/conversation-store.js';
import type { MediaStore } from '../ports/media-store.js';
import type { MessageStore, NewMessage, SendOutcome } from '../ports/message-store.js';
import type { PresenceStore } from '../ports/presence-store.js';
import type { RateLimiter } from '../ports/rate-limiter.js';
import type { UpdateLog } from '../ports/update-log.js';
import type { UserStore } from '../ports/user-store.js';
import type { DeliveryService } from './delivery-service.js';
import { SendQueue } from './send-queue.js';
import { recipientsOf } from './recipients.js';

export interface SendCommand {
  receiverId: number;
  messageType: SendableMessageType;
  content: string;
  clientMsgId: string | number | null;
  extra?: Record<string, unknown> | null;
}

export interface SendResult {
  message: Message;
  /** The sender's userSeq for this message; null for a repeat, which logged nothing new. */
  userSeq: number | null;
  duplicate: boolean;
}

export interface ReadResult {
  conversationId: number;
  readUpToSeq: number;
  unreadCount: number;
  userSeq: number | null;
}

export interface MessagingDeps {
  messages: MessageStore;
  conversations: ConversationStore;
  users: UserStore;
  media: MediaStore;
  updates: UpdateLog;
  presence: PresenceStore;
  sendLimiter: RateLimiter;
  delivery: DeliveryService;
  clock: Clock;
  mediaUrl: (key: string) => string;
  batch: { maxBatch: number; concurrency: number };
  /** Observes the size of each committed send batch (metrics). */
  onBatchCommitted?: (size: number) => void;
}

/** Sending, history, conversation list, read marks, recall and sync: the rules of contract §3–§6. */
export class MessagingService {
  private readonly queue: SendQueue<NewMessage, SendOutcome>;
  /** Per sender: resolves once that sender's latest send has entered the queue (or failed its checks). */
  private readonly enqueueTurns = new Map<number, Promise<void>>();

  constructor(private readonly deps: MessagingDeps) {
    this.queue = new SendQueue((items) => this.writeBatch(items), { ...deps.batch, orderKey: conversationKey });
  }

  /**
   * One transaction for the batch; should it fail as a whole (a poison item the checks missed),
   * each item is retried alone so that only the bad one fails. An outage fails them all at once.
   */
  private async writeBatch(items: NewMessage[]): Promise<PromiseSettledResult<SendOutcome>[]> {
    try {
      const outcomes = await this.deps.messages.appendBatch(items);
      this.deps.onBatchCommitted?.(items.length);
      return outcomes.map((value) => ({ status: 'fulfilled', value }));
    } catch (error) {
      if (items.length === 1 || (isAppError(error) && error.code === 'UNAVAILABLE')) {
        return items.map(() => ({ status: 'rejected', reason: error }));
      }
      const settled: PromiseSettledResult<SendOutcome>[] = [];
      for (const item of items) {
        try {
          const [value] = await this.deps.messages.appendBatch([item]);
          settled.push({ status: 'fulfilled', value: value! });
        } catch (reason) {
          settled.push({ status: 'rejected', reason });
        }
      }
      return settled;
    }
  }

  async send(senderId: number, command: SendCommand, originSessionId?: string): Promise<SendResult> {
    // A sender's sends enter the queue in the order they arrived, even when one needs a lookup
    // (media) that the next does not; the queue then keeps each conversation's order.
    const previous = this.enqueueTurns.get(senderId) ?? Promise.resolve();
    let myTurnDone!: () => void;
    const myTurn = new Promise<void>((resolve) => (myTurnDone = resolve));
    this.enqueueTurns.set(senderId, myTurn);
    let queued: Promise<SendOutcome>;
    try {
      await previous;
      queued = this.queue.submit(await this.prepare(senderId, command));
    } finally {
      myTurnDone();
      if (this.enqueueTurns.get(senderId) === myTurn) this.enqueueTurns.delete(senderId);
    }
    const outcome = await queued;
    switch (outcome.kind) {
      case 'rejected':
        throw new AppError(outcome.code, outcome.code === 'BLOCKED' ? 'the receiver does not accept your messages' : `user ${command.receiverId} does not exist`);
      case 'duplicate':
        return { message: outcome.message, userSeq: null, duplicate: true };
      case 'stored':
        await this.publishMessage(outcome.message, outcome.userSeqs, originSessionId);
        return { message: outcome.message, userSeq: outcome.userSeqs.get(senderId) ?? null, duplicate: false };
    }
  }

  /** Checks a send against the contract's rules and turns it into the message to store. */
  private async prepare(senderId: number, command: SendCommand): Promise<NewMessage> {
    if (command.receiverId === senderId) throw new AppError('SELF_CHAT', 'receiverId: you cannot message yourself');
    await this.consumeSendBudget(senderId);
    const checked = checkOutgoingContent(command.messageType, command.content, command.extra);
    let content = checked.content;
    let extra = checked.extra;
    if (checked.media) {
      // Claimed (so the unused-media sweep keeps it) and stored under its canonical URL only.
      const record = await this.deps.media.claim(senderId, checked.media.key, checked.media.kind);
      if (!record) throw new AppError('VALIDATION_FAILED', `content: not a ${checked.media.kind} you uploaded through /media`);
      content = this.deps.mediaUrl(record.key);
      if (record.kind !== 'voice') {
        extra = { width: record.width, height: record.height, size: record.size, mime: record.mime };
        if (record.thumbnailKey) extra.thumbnailUrl = this.deps.mediaUrl(record.thumbnailKey);
      } else {
        extra = { ...extra, size: record.size, mime: record.mime };
      }
    }
    return {
      senderId,
      receiverId: command.receiverId,
      messageType: command.messageType,
      content,
      extra,
      clientMsgId: command.clientMsgId === null ? null : String(command.clientMsgId),
    };
  }

  async consumeSendBudget(userId: number): Promise<void> {
    const decision = await this.deps.sendLimiter.consume(`send:${userId}`);
    if (!decision.allowed) {
      throw new AppError('RATE_LIMITED', `too many messages; retry in ${decision.retryAfterMs} ms`, { retryAfterMs: decision.retryAfterMs });
    }
  }

  async publishMessage(message: Message, userSeqs: Map<number, number>, originSessionId?: string, bodies?: Map<number, Message>): Promise<void> {
    await this.deps.delivery.publish({
      kind: 'message',
      body: message,
      recipients: recipientsOf(userSeqs, [message.senderId, message.receiverId], bodies),
      ...(originSessionId ? { originSessionId } : {}),
    });
  }

  /** Waits until every accepted send has been committed and answered. */
  drain(): Promise<void> {
    return this.queue.drain();
  }

  async history(userId: number, peerId: number, range: { beforeSeq?: number; afterSeq?: number; limit?: number }): Promise<HistoryPage> {
    if (peerId === userId) throw new AppError('SELF_CHAT', 'userId: there is no conversation with yourself');
    const conversation = await this.deps.conversations.findByPair(userId, peerId);
    if (!conversation) {
      if (!(await this.deps.users.get(peerId))) throw new AppError('USER_NOT_FOUND', `user ${peerId} does not exist`);
      return { items: [], hasMore: false };
    }
    return this.deps.messages.history(conversation.id, userId, {
      ...(range.beforeSeq !== undefined ? { beforeSeq: range.beforeSeq } : {}),
      ...(range.afterSeq !== undefined ? { afterSeq: range.afterSeq } : {}),
      limit: range.limit ?? LIMITS.historyDefaultLimit,
    });
  }

  async conversations(userId: number, options: { limit?: number; before?: string }): Promise<ConversationPage> {
    const limit = options.limit ?? LIMITS.conversationsDefaultLimit;
    const before = options.before ? decodeCursor(options.before) : null;
    // The position first: a change committed while the list is read then lies above it, so a
    // client that starts counting from it still takes that change's push (or /sync) as new.
    const userSeq = await this.deps.users.latestUserSeq(userId);
    const sides = await this.deps.conversations.listSides(userId, before, limit + 1);
    const page = sides.slice(0, limit);
    const peerIds = page.map((s) => s.peerId);
    const [profiles, presence] = await Promise.all([this.deps.users.getMany(peerIds), this.deps.presence.lookup(peerIds)]);
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
        lastMessage: side.lastMessage,
        lastMessageTime: side.lastMessageAt ? side.lastMessageAt.toISOString() : null,
        lastSeq: side.lastSeq,
        unreadCount: side.unreadCount,
        myReadUpToSeq: side.myReadUpToSeq,
        peerReadUpToSeq: side.peerReadUpToSeq,
      };
    });
    const last = page[page.length - 1];
    return { items, userSeq, nextBefore: sides.length > limit && last ? encodeCursor(last.activityUs, last.id) : null };
  }

  async markRead(userId: number, conversationId: number, upToSeq: number | null): Promise<ReadResult> {
    await this.requireParticipant(userId, conversationId);
    const outcome = await this.deps.messages.markRead(conversationId, userId, upToSeq);
    if (outcome.changed) {
      await this.deps.delivery.publish({
        kind: 'read',
        body: { conversationId, readerId: userId, readUpToSeq: outcome.readUpToSeq },
        recipients: recipientsOf(outcome.userSeqs, [userId, outcome.peerId]),
      });
    }
    return { conversationId, readUpToSeq: outcome.readUpToSeq, unreadCount: outcome.unreadCount, userSeq: outcome.userSeqs.get(userId) ?? null };
  }

  async recall(userId: number, messageId: number): Promise<{ message: Message; userSeq: number | null }> {
    const message = await this.deps.messages.getById(messageId, userId);
    if (!message) throw new AppError('MESSAGE_NOT_FOUND', `message ${messageId} does not exist`);
    if (message.senderId !== userId) throw new AppError('FORBIDDEN', 'only the sender can recall a message');
    if (message.messageType.startsWith('EXCHANGE_')) throw new AppError('VALIDATION_FAILED', 'messageId: exchange messages cannot be recalled');
    if (message.status === 'RECALLED') return { message, userSeq: null };
    if (this.deps.clock.now().getTime() - Date.parse(message.createdAt) > LIMITS.recallWindowMs) {
      throw new AppError('RECALL_WINDOW_PASSED', 'a message can be recalled within 2 minutes of sending');
    }
    const outcome = await this.deps.messages.recall(messageId);
    if (outcome.kind === 'already') return { message: outcome.message, userSeq: null };
    // A recalled photo must stop being served, before anyone hears of the recall: its upload goes
    // unless another message (or the sender's profile) still shows it.
    const mediaKey = isMediaType(message.messageType) ? mediaKeyOf(message.content) : null;
    if (mediaKey) await this.deps.media.deleteUnreferenced(userId, [mediaKey]);
    await this.deps.delivery.publish({
      kind: 'recall',
      body: { conversationId: message.conversationId, messageId, seq: message.seq },
      recipients: recipientsOf(outcome.userSeqs, [message.senderId, message.receiverId]),
    });
    return { message: outcome.message, userSeq: outcome.userSeqs.get(userId) ?? null };
  }

  sync(userId: number, since: number, limit?: number): Promise<SyncPage> {
    return this.deps.updates.since(userId, since, limit ?? LIMITS.syncDefaultLimit);
  }

  private async requireParticipant(userId: number, conversationId: number): Promise<void> {
    const side = await this.deps.conversations.getSide(conversationId, userId);
    if (side) return;
    if (await this.deps.conversations.exists(conversationId)) throw new AppError('FORBIDDEN', `conversation ${conversationId} is not yours`);
    throw new AppError('CONVERSATION_NOT_FOUND', `conversation ${conversationId} does not exist`);
  }
}

/** The conversation of a message: its unordered pair of users. */
function conversationKey(message: NewMessage): string {
  const { senderId: a, receiverId: b } = message;
  return a < b ? `${a}:${b}` : `${b}:${a}`;
}

function encodeCursor(activityUs: number, id: number): string {
  return `${activityUs}_${id}`;
}

function decodeCursor(cursor: string): { activityUs: number; id: number } {
  const match = /^(\d{1,16})_(\d{1,16})$/.exec(cursor);
  if (!match) throw new AppError('VALIDATION_FAILED', 'before: not a cursor returned as nextBefore');
  return { activityUs: Number(match[1]), id: Number(match[2]) };
}
