import type { ExchangeKind, ExchangedData, Message, MessageType } from '@parley/protocol';
import type { UserProfile } from './user-store.js';

/** A message already checked by the domain, ready to store. */
export interface NewMessage {
  senderId: number;
  receiverId: number;
  messageType: MessageType;
  content: string;
  extra: Record<string, unknown> | null;
  clientMsgId: string | null;
  /**
   * The receiver had no live connection on any node when the batch was written: the store
   * records an offline notification with the message (unless the receiver muted the conversation).
   */
  notifyReceiver?: boolean;
}

/** The per-user log positions (`userSeq`) a stored change took, replayed by `GET /sync`. */
export interface LoggedFor {
  /** userId → userSeq */
  userSeqs: Map<number, number>;
}

export type SendOutcome =
  | ({ kind: 'stored'; message: Message } & LoggedFor)
  /** The sender already stored this clientMsgId; nothing new was stored or logged. */
  | { kind: 'duplicate'; message: Message }
  | { kind: 'rejected'; code: SendRejection; retryAfterMs?: number };

/**
 * Why the store refused one item of a batch, decided in the storing transaction: an unknown
 * user, a block or unmatched pair (BLOCKED), a restricted sender, the first-contact limit, or the
 * new-conversations limit (RATE_LIMITED, with the wait in `retryAfterMs`).
 */
export type SendRejection = 'USER_NOT_FOUND' | 'BLOCKED' | 'USER_MUTED' | 'USER_BANNED' | 'AWAITING_REPLY' | 'RATE_LIMITED';

/** The limits on messages to strangers the store enforces while storing (0 turns one off). */
export interface StrangerLimits {
  /** Messages a sender may store in a conversation the peer has never written in. */
  firstContactLimit: number;
  /** Conversations a sender may start per rolling 24 hours. */
  newConversationsPerDay: number;
}

export interface HistoryRange {
  beforeSeq?: number;
  afterSeq?: number;
  limit: number;
}

export interface ReadOutcome {
  readUpToSeq: number;
  unreadCount: number;
  /** False when the mark did not move: nothing was logged and nothing should be pushed. */
  changed: boolean;
  peerId: number;
  userSeqs: Map<number, number>;
}

export type RecallOutcome = ({ kind: 'recalled'; message: Message } & LoggedFor) | { kind: 'already'; message: Message };

export type ExchangeRequestOutcome =
  | ({ kind: 'created'; message: Message } & LoggedFor)
  | { kind: 'pending'; message: Message };

export interface ExchangeReveal {
  requester: ExchangedData;
  responder: ExchangedData;
}

export interface ExchangeResponse {
  requestId: number;
  responderId: number;
  accept: boolean;
  /**
   * Present only when accepting: decides what each side reveals from both profiles as the
   * answering transaction reads them, their user rows locked — so a profile emptied at the same
   * moment cannot leave one side revealed alone. It may throw: the answer is then not stored and
   * the request stays pending. A profile is null when the user row is gone.
   */
  reveal: ((requester: UserProfile | null, responder: UserProfile | null) => ExchangeReveal) | null;
}

export type ExchangeResponseOutcome =
  | ({
      kind: 'answered';
      /** The request with its new exchangeStatus, as the responder sees it. */
      request: Message;
      /** The result message stored after the request, as the responder sees it. */
      result: Message;
      requesterId: number;
      exchangeKind: ExchangeKind;
      /** Log positions of the result message (userSeqs are those of the exchange answer, which follows it). */
      resultUserSeqs: Map<number, number>;
      /** What was revealed; null for a rejection. */
      revealed: ExchangeReveal | null;
    } & LoggedFor)
  | { kind: 'not-pending' };

/**
 * Messages, their per-conversation seq and the per-user update log. Every write runs in one
 * transaction that also takes the next gap-free `seq` and `userSeq` numbers, so a change and
 * its log entries commit together or not at all. Messages are returned as the given viewer sees them.
 */
export interface MessageStore {
  /**
   * Stores a batch in one transaction; `outcomes[i]` answers `items[i]`. One item's rejection
   * (unknown receiver, block) does not affect the others. A repeated (sender, clientMsgId),
   * also within the batch, answers `duplicate` with the stored message.
   */
  appendBatch(items: readonly NewMessage[]): Promise<SendOutcome[]>;
  /** The message the sender stored under `clientMsgId`, as the sender sees it; null when there is none. */
  findByClientMsgId(senderId: number, clientMsgId: string): Promise<Message | null>;
  getById(messageId: number, viewerId: number): Promise<Message | null>;
  history(conversationId: number, viewerId: number, range: HistoryRange): Promise<{ items: Message[]; hasMore: boolean }>;
  /**
   * Moves the reader's read mark forward to `upToSeq` (null: to the latest), never back. The
   * receipt is logged for the reader and, unless `toPeer` is false (read receipts not shared), the peer.
   */
  markRead(conversationId: number, readerId: number, upToSeq: number | null, toPeer?: boolean): Promise<ReadOutcome>;
  /** Marks a NORMAL message RECALLED and empties its content; the caller has checked the rules. */
  recall(messageId: number): Promise<RecallOutcome>;
  /** Stores an exchange request unless one of that kind is pending for the pair (then returns it). */
  requestExchange(requesterId: number, receiverId: number, kind: ExchangeKind): Promise<ExchangeRequestOutcome>;
  /** Answers a pending request once: updates its status and stores the result message after it. */
  respondExchange(response: ExchangeResponse): Promise<ExchangeResponseOutcome>;
}
