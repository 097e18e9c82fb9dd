// A notification channel delivers one notification to one outside service (a webhook, WeChat,
// a browser push service). The outbox worker calls every enabled channel and keeps one delivery
// state per notification and channel, so a channel only says what happened to this one attempt.

/** What a channel is asked to deliver: one (receiver, conversation) notification, coalesced. */
export interface NotificationPayload {
  id: string;
  userId: number;
  conversationId: number;
  senderId: number;
  senderName: string;
  count: number;
  preview: { title: string; body: string };
  unreadTotal: number;
  createdAt: string;
}

export type DeliveryOutcome =
  /** The outside service accepted it. */
  | { kind: 'sent' }
  /** Worth trying again later: timeouts, connection errors, 429, 5xx, a service's "busy" codes. */
  | { kind: 'retry'; error: string; retryAfterMs?: number }
  /** Ends this channel for this notification: other 4xx, refused or expired registrations. */
  | { kind: 'failed'; error: string }
  /** Nothing to do for this receiver (not registered, no grant left). */
  | { kind: 'skipped'; reason: string };

export interface NotificationChannel {
  readonly name: 'webhook' | 'wechat' | 'wechat_oa' | 'webpush';
  deliver(n: NotificationPayload): Promise<DeliveryOutcome>;
}
