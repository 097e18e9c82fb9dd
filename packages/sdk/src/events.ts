import type { ExchangeAnswer, Message, PresenceChange, ReadReceipt, RecallNotice, TypingNotice } from '@parley/protocol';
import type { ParleyError } from './errors.js';
import type { OutboxItem } from './outbox-item.js';
import type { ConnectionState } from './realtime-connection.js';

/** How a message reached the client: a live push, the `/sync` repair, or the echo of a repeated send. */
export interface MessageMeta {
  source: 'push' | 'sync' | 'echo';
  /** The user's update-log number of this change, when it came with one. */
  userSeq: number | null;
}

/** Meta of the other logged changes (read, recall, exchange). */
export interface UpdateMeta {
  source: 'push' | 'sync';
  userSeq: number | null;
}

/**
 * Events of a ParleyClient. Messages are emitted once per message id; read, recall and exchange
 * changes once per update-log entry, in the user's update order.
 */
export interface ParleyEvents {
  /** A new message to or from me (also my own, sent from any device). */
  message: [message: Message, meta: MessageMeta];
  /** A conversation was marked read, by the peer or by me on another device. */
  read: [receipt: ReadReceipt, meta: UpdateMeta];
  /** The peer started or stopped typing (not logged: may be missed while offline). */
  typing: [notice: TypingNotice];
  /** A user who shares a conversation with me went on- or offline (not logged). */
  presence: [change: PresenceChange];
  /** A message was recalled: it keeps its id and seq, its content becomes empty. */
  recall: [notice: RecallNotice, meta: UpdateMeta];
  /** An exchange request was answered; `exchangedData` is the other side's data when accepted. */
  exchange: [answer: ExchangeAnswer, meta: UpdateMeta];
  /** The connection state changed. */
  state: [state: ConnectionState, previous: ConnectionState];
  /** An outbox item changed state (queued, sending, sent, failed). The item is a copy. */
  outbox: [item: OutboxItem];
  /** A sync round finished; `userSeq` is the last applied update. */
  synced: [info: { userSeq: number; applied: number }];
  /** Something failed: an error push for a SEND, a failed sync, a STOMP ERROR, a token provider failure. */
  error: [error: ParleyError];
}
