import type { ConversationChange, ExchangeAnswer, HideNotice, Message, PresenceChange, ReactionNotice, ReadReceipt, RecallNotice, SyncEvent, TypingNotice } from '@parley/protocol';
import type { ParleyError } from './errors.js';
import type { OutboxItem } from './outbox-item.js';
import type { ConnectionState } from './realtime-connection.js';

/** How a message reached the client: a live push, the `/sync` repair, or the echo of a repeated send. */
export interface MessageMeta {
  source: 'push' | 'sync' | 'echo';
  /** The user's update-log number of this change, when it came with one. */
  userSeq: number | null;
}

/** Meta of the other logged changes (read, recall, exchange, edit, reaction, hide, conversation). */
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
  /** A message was edited: the whole message as it is now (new `content`, `editedAt`, `extra.masked` when masked). Replace the one you hold by id. */
  edit: [message: Message, meta: UpdateMeta];
  /** Someone set, replaced or removed (`emoji` null) a reaction; `reactions` is the message's whole list after it. */
  reaction: [notice: ReactionNotice, meta: UpdateMeta];
  /** I hid a message ("delete for me", on any of my devices): drop it from the view. */
  hide: [notice: HideNotice, meta: UpdateMeta];
  /**
   * One of my conversations changed: my flags (`pinned`, `muted`, `archived`, all three), a clear
   * (`clearedUpToSeq`: messages up to it are gone for me, the unread count is 0) or its `state`
   * (`UNMATCHED`: it leaves the list and the history, for both users). Fields left out did not change.
   */
  conversation: [change: ConversationChange, meta: UpdateMeta];
  /**
   * Every change of my update log, in order and once (live, or replayed by `/sync`), before its
   * own event (`message`, `read`, `recall`, …): one reducer can follow them all (see `ChatCache`).
   * A message I already had (a repeated push) comes again here; applying it again changes nothing.
   */
  update: [event: SyncEvent, meta: UpdateMeta];
  /** The connection state changed. */
  state: [state: ConnectionState, previous: ConnectionState];
  /** An outbox item changed state (queued, sending, sent, failed). The item is a copy. */
  outbox: [item: OutboxItem];
  /** A sync round finished; `userSeq` is the last applied update. */
  synced: [info: { userSeq: number; applied: number }];
  /**
   * The server refused me for good (`USER_BANNED`: a refused connect, a live session ended by a
   * ban, or a REST answer): the client has stopped reconnecting and its state is `closed`. Queued
   * messages stay in the outbox; `connect()` tries again (after the ban is lifted).
   * `client.closedReason` holds the same error.
   */
  banned: [error: ParleyError];
  /** Something failed: an error push for a SEND, a failed sync, a STOMP ERROR, a token provider failure. */
  error: [error: ParleyError];
}
