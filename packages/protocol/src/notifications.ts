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
