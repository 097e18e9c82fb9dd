/** The admin view of offline notifications (`GET /admin/notifications`). */
import { Type, type Static } from '@sinclair/typebox';

export const NOTIFICATION_STATUSES = ['PENDING', 'SENT', 'FAILED', 'DROPPED'] as const;
export type NotificationStatus = (typeof NOTIFICATION_STATUSES)[number];

export const AdminNotificationsQuery = Type.Object({
  /** Only notifications in this state; all when absent. */
  status: Type.Optional(Type.Union(NOTIFICATION_STATUSES.map((s) => Type.Literal(s)))),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500 })),
});
export type AdminNotificationsQuery = Static<typeof AdminNotificationsQuery>;

/** One channel's delivery of a notification. */
export interface AdminNotificationDelivery {
  channel: string;
  status: 'PENDING' | 'SENT' | 'FAILED' | 'SKIPPED';
  attempts: number;
  lastError: string | null;
  /** When the next attempt is due, while PENDING. */
  nextAttemptAt: string | null;
  finishedAt: string | null;
}

/** A notification as `GET /admin/notifications` lists it. */
export interface AdminNotification {
  id: string;
  userId: number;
  conversationId: number;
  senderId: number;
  count: number;
  status: NotificationStatus;
  dropReason: string | null;
  /** What was (or is being) sent, fixed when the notification closed; null while it collects. */
  payload: Record<string, unknown> | null;
  deliveries: AdminNotificationDelivery[];
  dueAt: string;
  createdAt: string;
  updatedAt: string;
}
