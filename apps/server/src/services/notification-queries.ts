import type { NotificationRecord, NotificationStatus, OutboxStore } from '../ports/outbox-store.js';

/** What operators see of the notification outbox (the admin API and console). */
export class NotificationQueries {
  constructor(private readonly outbox: OutboxStore) {}

  /** Newest first, optionally of one status. */
  list(status: NotificationStatus | null, limit: number): Promise<NotificationRecord[]> {
    return this.outbox.listNotifications(status, limit);
  }
}
