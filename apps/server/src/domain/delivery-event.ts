import type { ConversationChange, ExchangeAnswer, HideNotice, Message, PresenceChange, ReactionNotice, ReadReceipt, RecallNotice, TypingNotice } from '@parley/protocol';

/** One user an event goes to. `userSeq` is set for changes logged in that user's update log. */
export interface PushRecipient<B = unknown> {
  userId: number;
  userSeq: number | null;
  /** Replaces the event's shared body for this user only (exchange answers carry per-user data). */
  body?: B;
}

interface EventOf<K extends string, B> {
  kind: K;
  body: B;
  recipients: PushRecipient<B>[];
  /** The connection whose request caused the event, when there is one. */
  originSessionId?: string;
}

/**
 * What the domain asks the doors to push. Doors map `kind` to their own destination or
 * event name; the body is in the canonical shape of @parley/protocol (`Message`, `ReadReceipt`, …;
 * docs/operations.md lists every push).
 */
export type DeliveryEvent =
  | EventOf<'message', Message>
  | EventOf<'read', ReadReceipt>
  | EventOf<'typing', TypingNotice>
  | EventOf<'presence', PresenceChange>
  | EventOf<'recall', RecallNotice>
  | EventOf<'exchange', ExchangeAnswer>
  | EventOf<'edit', Message>
  | EventOf<'reaction', ReactionNotice>
  | EventOf<'hide', HideNotice>
  | EventOf<'conversation', ConversationChange>;

export type DeliveryKind = DeliveryEvent['kind'];
