/**
 * Events the host application can receive by webhook, in the order they happened per
 * conversation. Each is written to the outbox in the transaction of the change it reports.
 */
export const OUTBOX_EVENT_NAMES = [
  'message.created',
  'message.recalled',
  'message.edited',
  'conversation.read',
  'exchange.answered',
  'report.created',
  'user.restricted',
  'conversation.unmatched',
] as const;

export type OutboxEventName = (typeof OUTBOX_EVENT_NAMES)[number];

export interface OutboxEvent {
  event: OutboxEventName;
  /** Orders the event after every earlier event of the same conversation; null when it belongs to none. */
  conversationId: number | null;
  /** The event's `data` as the webhook body carries it. */
  data: unknown;
}

/** The notification id as channels and the admin API show it; the event id likewise. */
export const notificationIdText = (id: number): string => `n_${id}`;
export const eventIdText = (id: number): string => `e_${id}`;
