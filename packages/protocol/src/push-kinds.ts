/**
 * What the server pushes to connected clients, by kind. Each door names every kind (a STOMP user
 * queue, SignalR events), keyed by `PushKind`, so a new kind cannot be forgotten at a door.
 */
import type { ExchangeAnswer, Message, PresenceChange, ReactionNotice, ReadReceipt, RecallNotice, TypingNotice } from './model.js';
import type { ConversationChange, HideNotice } from './conversation-state.js';

/** The canonical body of each push kind (REST and STOMP shapes). */
export interface PushBodies {
  message: Message;
  read: ReadReceipt;
  typing: TypingNotice;
  presence: PresenceChange;
  recall: RecallNotice;
  exchange: ExchangeAnswer;
  /** The edited message as it is now. */
  edit: Message;
  reaction: ReactionNotice;
  /** A message hidden for me (to my devices only). */
  hide: HideNotice;
  /** My settings, a clear, or the state of one of my conversations changed. */
  conversation: ConversationChange;
}

export type PushKind = keyof PushBodies;

const EVERY_PUSH_KIND: Record<PushKind, true> = { message: true, read: true, typing: true, presence: true, recall: true, exchange: true, edit: true, reaction: true, hide: true, conversation: true };
export const PUSH_KINDS = Object.keys(EVERY_PUSH_KIND) as readonly PushKind[];
