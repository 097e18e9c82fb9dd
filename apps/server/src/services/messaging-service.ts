import { LIMITS, type Message, type SendableMessageType } from '@parley/protocol';
import { AppError, isAppError } from '../domain/app-error.js';
import { pairKey } from '../domain/conversation-pair.js';
import { checkOutgoingContent, isMediaType, mediaKeyOf } from '../domain/message-rules.js';
import { withReply } from '../domain/reply-snapshot.js';
import type { Clock } from '../ports/clock.js';
import type { ConversationStore } from '../ports/conversation-store.js';
import type { MediaStore } from '../ports/media-store.js';
import type { PresenceState, PresenceStore } from '../ports/presence-store.js';
import { isNotifiable } from '../domain/notification-rules.js';
import type { MessageStore, NewMessage, SendOutcome, SendRejection } from '../ports/message-store.js';
import type { SendHook } from '../ports/send-hook.js';
import type { UserSettingsStore } from '../ports/user-settings-store.js';
import { readReceiptsShared } from '../domain/read-receipts.js';
import { withMasked, type ContentScreening } from './content-screening.js';
import type { DeliveryService } from './delivery-service.js';
import type { MessagePublisher } from './message-publisher.js';
import { requireParticipant } from './participation.js';
import { replySnapshotFor } from './reply-snapshot.js';
import type { MessageVisibility } from './visible-message.js';
import { recipientsOf } from './recipients.js';
import type { SendBudget } from './send-budget.js';
import { SendQueue } from './send-queue.js';

export interface SendCommand {
  receiverId: number;
  messageType: SendableMessageType;
  content: string;
  clientMsgId: string | number | null;
  extra?: Record<string, unknown> | null;
  /** The message of the same conversation this one replies to. */
  replyToId?: number | null;
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
  /** Who turned read receipts off: their read marks reach nobody but themselves, nor their peers' theirs. */
  settings: UserSettingsStore;
  conversations: ConversationStore;
  media: MediaStore;
  budget: SendBudget;
  publisher: MessagePublisher;
  delivery: DeliveryService;
  clock: Clock;
  mediaUrl: (key: string) => string;
  batch: { maxBatch: number; concurrency: number };
  /** Observes the size of each committed send batch (metrics). */
  onBatchCommitted?: (size: number) => void;
  /**
   * With a notification channel enabled: who is online on any node, so that a message to a
   * receiver who is not gets an offline notification written with it. Absent, none is written.
   */
  offlineReach?: { presence: PresenceStore; onLookupFailed: (error: unknown) => void };
  /** The contact guard and word filter of TEXT content; absent, content is stored as the rules allow it. */
  screening?: ContentScreening;
  /** What each user still sees of their conversations: a reply may quote only such a message. */
  visibility?: MessageVisibility;
  /** The host app's before-send hook and what to do when it does not answer; absent, no hook. */
  hook?: { hook: SendHook; failOpen: boolean } | null;
  /** A hook that did not answer: what went wrong, and whether the message went on (fail-open). */
  onHookUnanswered?: (problem: string, failedOpen: boolean) => void;
}

/** A send ready for the queue, or the answer to a repeat found before anything was done for it. */
type Prepared = { kind: 'new'; message: NewMessage } | { kind: 'repeat'; message: Message };

const REJECTION_MESSAGES: Record<SendRejection, string> = {
  USER_NOT_FOUND: 'the receiver does not exist',
  BLOCKED: 'the receiver does not accept your messages',
  USER_MUTED: 'your account is muted: you cannot send messages for now',
  USER_BANNED: 'your account is banned',
  AWAITING_REPLY: 'wait for a reply: you cannot send more messages until the other person answers',
  RATE_LIMITED: 'you have started as many new conversations as allowed in 24 hours',
};

/**
 * The writes of messaging: send (through the batching SendQueue), read marks and recall. Each
 * publishes its change only after it committed. The reads are in MessageQueries.
 */
export class MessagingService {
  private readonly queue: SendQueue<NewMessage, SendOutcome>;
  /** Per sender: resolves once that sender's latest send has entered the queue (or failed its checks). */
  private readonly enqueueTurns = new Map<number, Promise<void>>();

  constructor(private readonly deps: MessagingDeps) {
    this.queue = new SendQueue((items) => this.writeBatch(items), { ...deps.batch, orderKey: (message) => pairKey(message.senderId, message.receiverId) });
  }

  /**
   * One transaction for the batch; should it fail as a whole (a poison item the checks missed),
   * each item is retried alone so that only the bad one fails. An outage fails them all at once.
   */
  private async writeBatch(batch: NewMessage[]): Promise<PromiseSettledResult<SendOutcome>[]> {
    const items = await this.markOfflineReceivers(batch);
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

  /**
   * Marks the items whose receiver has no live connection anywhere as the batch is written (the
   * store then records their notifications in the same transaction). Presence that cannot be
   * read marks none: a missed notification is repaired by the next visit, a failed send is not.
   */
  private async markOfflineReceivers(items: NewMessage[]): Promise<NewMessage[]> {
    const reach = this.deps.offlineReach;
    if (!reach) return items;
    let states: Map<number, PresenceState>;
    try {
      states = await reach.presence.lookup([...new Set(items.map((i) => i.receiverId))]);
    } catch (error) {
      reach.onLookupFailed(error);
      return items;
    }
    return items.map((item) => ({ ...item, notifyReceiver: isNotifiable(item.messageType, states.get(item.receiverId)?.online ?? false) }));
  }

  /** `onCommitted` runs once the message is durable, before it is published (send latency metrics). */
  async send(senderId: number, command: SendCommand, originSessionId?: string, onCommitted?: () => void): Promise<SendResult> {
    // Every send is prepared at once — its checks, media lookup and before-send hook overlap with
    // other sends', the same sender's included — but enters the queue only after that sender's
    // previous send entered it (or failed): a slow hook delays the messages after it, never
    // reorders them, and the queue then keeps each conversation's order.
    const previous = this.enqueueTurns.get(senderId) ?? Promise.resolve();
    let myTurnDone!: () => void;
    const myTurn = new Promise<void>((resolve) => (myTurnDone = resolve));
    this.enqueueTurns.set(senderId, myTurn);
    const preparing = this.prepare(senderId, command).then(
      (prepared) => ({ prepared }),
      (error: unknown) => ({ error }),
    );
    let queued: Promise<SendOutcome>;
    try {
      // `previous` never rejects, so this turn ends only after the one before it.
      await previous;
      const settled = await preparing;
      if ('error' in settled) throw settled.error;
      queued = settled.prepared.kind === 'repeat' ? Promise.resolve({ kind: 'duplicate', message: settled.prepared.message }) : this.queue.submit(settled.prepared.message);
    } finally {
      myTurnDone();
      if (this.enqueueTurns.get(senderId) === myTurn) this.enqueueTurns.delete(senderId);
    }
    const outcome = await queued;
    switch (outcome.kind) {
      case 'rejected':
        throw new AppError(
          outcome.code,
          outcome.code === 'RATE_LIMITED' && outcome.retryAfterMs !== undefined
            ? `${REJECTION_MESSAGES.RATE_LIMITED}; retry in ${outcome.retryAfterMs} ms`
            : REJECTION_MESSAGES[outcome.code],
          outcome.retryAfterMs !== undefined ? { retryAfterMs: outcome.retryAfterMs } : undefined,
        );
      case 'duplicate':
        return { message: outcome.message, userSeq: null, duplicate: true };
      case 'stored':
        onCommitted?.();
        await this.deps.publisher.publish(outcome.message, outcome.userSeqs, originSessionId);
        return { message: outcome.message, userSeq: outcome.userSeqs.get(senderId) ?? null, duplicate: false };
    }
  }

  /**
   * Checks a send against the message rules and the safety controls (contact guard, word filter,
   * before-send hook, in that order) and turns it into the message to store. The verdicts that
   * need the database's counts (restrictions, unmatch, first contact) come from the store.
   */
  private async prepare(senderId: number, command: SendCommand): Promise<Prepared> {
    if (command.receiverId === senderId) throw new AppError('SELF_CHAT', 'receiverId: you cannot message yourself');
    await this.deps.budget.spend(senderId);
    const checked = checkOutgoingContent(command.messageType, command.content, command.extra);
    const clientMsgId = command.clientMsgId === null ? null : String(command.clientMsgId);
    // With a hook, a resend of a stored message is answered before anything could call the hook again.
    if (this.deps.hook && clientMsgId !== null) {
      const stored = await this.deps.messages.findByClientMsgId(senderId, clientMsgId);
      if (stored) return { kind: 'repeat', message: stored };
    }
    let content = checked.content;
    let extra = checked.extra;
    if (command.messageType === 'TEXT' && this.deps.screening) {
      const screened = await this.deps.screening.screenText({ senderId, receiverId: command.receiverId, content });
      content = screened.content;
      extra = withMasked(extra, screened.masked);
    }
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
    // A reply's quote is taken now and travels inside extra (see domain/reply-snapshot.ts).
    const replyTo = command.replyToId ? await replySnapshotFor(this.deps, senderId, command.receiverId, command.replyToId) : null;
    extra = withReply(extra, replyTo);
    const message: NewMessage = { senderId, receiverId: command.receiverId, messageType: command.messageType, content, extra, clientMsgId };
    return { kind: 'new', message: this.deps.hook ? await this.reviewByHook(message, this.deps.hook) : message };
  }

  /**
   * Asks the before-send hook about a message ready to store: allowed as is, refused
   * (CONTENT_REJECTED, reason HOOK), or a TEXT stored with the hook's content. No answer stores
   * it anyway when failing open, else fails with UNAVAILABLE.
   */
  private async reviewByHook(message: NewMessage, { hook, failOpen }: { hook: SendHook; failOpen: boolean }): Promise<NewMessage> {
    const conversation = await this.deps.conversations.findByPair(message.senderId, message.receiverId);
    const decision = await hook.review({ ...message, conversationId: conversation?.id ?? null });
    let problem: string;
    switch (decision.action) {
      case 'allow':
        return message;
      case 'reject':
        throw new AppError('CONTENT_REJECTED', decision.reason ? `refused by the before-send hook: ${decision.reason}` : 'refused by the before-send hook', undefined, {
          reason: 'HOOK',
        });
      case 'replace':
        if (message.messageType !== 'TEXT') return message;
        try {
          return { ...message, content: checkOutgoingContent('TEXT', decision.content, null).content };
        } catch {
          problem = 'replaced the content with an invalid TEXT';
        }
        break;
      case 'unreachable':
        problem = decision.problem;
        break;
    }
    this.deps.onHookUnanswered?.(problem, failOpen);
    if (failOpen) return message;
    throw new AppError('UNAVAILABLE', 'the before-send hook did not answer; nothing was stored, retry later');
  }

  /** Waits until every accepted send has been committed and answered. */
  drain(): Promise<void> {
    return this.queue.drain();
  }

  async markRead(userId: number, conversationId: number, upToSeq: number | null): Promise<ReadResult> {
    const side = await requireParticipant(this.deps.conversations, userId, conversationId);
    // Not shared (either side turned read receipts off): the mark still counts for the reader's
    // unread count and devices, but the peer is neither told nor finds it in their log.
    const toPeer = readReceiptsShared(userId, side.peerId, await this.deps.settings.withReadReceiptsOff([userId, side.peerId]));
    const outcome = await this.deps.messages.markRead(conversationId, userId, upToSeq, toPeer);
    if (outcome.changed) {
      await this.deps.delivery.publish({
        kind: 'read',
        body: { conversationId, readerId: userId, readUpToSeq: outcome.readUpToSeq },
        recipients: recipientsOf(outcome.userSeqs, toPeer ? [userId, outcome.peerId] : [userId]),
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
}
