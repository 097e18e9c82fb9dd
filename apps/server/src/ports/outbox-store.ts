import type { CollectedNotification } from '../domain/notification-rules.js';

/** A notification whose coalescing window has passed, as the closing worker finds it. */
export interface ClosingNotification extends CollectedNotification {
  id: number;
  conversationId: number;
  /** The receiver's unread messages over all conversations now. */
  unreadTotal: number;
  createdAt: Date;
}

/** How the worker settled a closing notification: its fixed payload, or dropped with the reason. */
export type NotificationClosure = { payload: Record<string, unknown> } | { drop: string };

/** One channel's delivery of one notification, leased to this worker. */
export interface ClaimedDelivery {
  notificationId: number;
  channel: string;
  /** Attempts including this one. */
  attempts: number;
  payload: Record<string, unknown>;
  /** When the notification was written (delivery latency). */
  createdAt: Date;
}

/** One event webhook delivery, leased to this worker. */
export interface ClaimedEvent {
  id: number;
  event: string;
  conversationId: number | null;
  data: unknown;
  createdAt: Date;
  attempts: number;
}

/** What became of an attempt: done (sent, failed for good, nothing to do) or tried again later. */
export type AttemptResult = { status: 'SENT' | 'FAILED' | 'SKIPPED'; error?: string } | { status: 'RETRY'; inMs: number; error: string };

export type NotificationStatus = 'PENDING' | 'SENT' | 'FAILED' | 'DROPPED';

/** A notification as the admin API lists it. */
export interface NotificationRecord {
  id: string;
  userId: number;
  conversationId: number;
  senderId: number;
  count: number;
  status: NotificationStatus;
  dropReason: string | null;
  payload: Record<string, unknown> | null;
  deliveries: { channel: string; status: string; attempts: number; lastError: string | null; nextAttemptAt: string | null; finishedAt: string | null }[];
  dueAt: string;
  createdAt: string;
  updatedAt: string;
}

/**
 * The durable outbox (notifications and event webhooks): written by the message store in the
 * transaction of each change, drained here by the delivery workers of every node. Every take is
 * a lease on rows no other worker holds (`FOR UPDATE SKIP LOCKED`); a worker that dies leaves its
 * rows to be taken again when the lease runs out, so delivery is at least once.
 */
export interface OutboxStore {
  /**
   * Closes up to `limit` notifications whose coalescing window has passed: `settle` decides each
   * (in the closing transaction, so no later message can join it meanwhile); a kept one gets one
   * delivery per channel.
   */
  closeDueNotifications(
    limit: number,
    channels: readonly string[],
    settle: (n: ClosingNotification) => NotificationClosure,
  ): Promise<number>;
  /** Leases up to `limit` due deliveries of the given channels for `leaseMs`, counting the attempt. */
  claimDeliveries(limit: number, channels: readonly string[], leaseMs: number): Promise<ClaimedDelivery[]>;
  /** Records the attempts' results and settles each notification once none of its channels is pending. */
  finishDeliveries(results: readonly { notificationId: number; channel: string; result: AttemptResult }[]): Promise<void>;
  /**
   * Leases up to `limit` due events for `leaseMs`: of each conversation only the oldest pending
   * one, so a later event is never sent before an earlier one is delivered or given up.
   */
  claimEvents(limit: number, leaseMs: number): Promise<ClaimedEvent[]>;
  finishEvents(results: readonly { id: number; result: AttemptResult }[]): Promise<void>;
  /** Deletes finished notifications and events older than `olderThanMs`; returns how many rows went. */
  purgeFinished(olderThanMs: number): Promise<number>;
  /** Newest first. */
  listNotifications(status: NotificationStatus | null, limit: number): Promise<NotificationRecord[]>;
  /** Rows still to be delivered: notifications (collecting or with a pending channel) and events. */
  backlog(): Promise<{ notifications: number; events: number }>;
}
