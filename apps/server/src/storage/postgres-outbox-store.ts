import { notificationIdText } from '../domain/outbox-events.js';
import type {
  AttemptResult,
  ClaimedDelivery,
  ClaimedEvent,
  ClosingNotification,
  NotificationClosure,
  NotificationRecord,
  NotificationStatus,
  OutboxStore,
} from '../ports/outbox-store.js';
import { messageCreatedJson } from './outbox-events.js';
import type { SqlClient } from './sql-client.js';

const ms = (value: number) => Math.max(0, Math.round(value));
const iso = (value: Date | string | null) => (value === null ? null : new Date(value).toISOString());

/** Results as parallel arrays for one multi-row statement. */
function resultColumns(results: readonly AttemptResult[]) {
  return {
    status: results.map((r) => (r.status === 'RETRY' ? 'PENDING' : r.status)),
    retryMs: results.map((r) => (r.status === 'RETRY' ? ms(r.inMs) : 0)),
    error: results.map((r) => r.error ?? null),
  };
}

export class PostgresOutboxStore implements OutboxStore {
  constructor(private readonly db: SqlClient) {}

  async closeDueNotifications(limit: number, channels: readonly string[], settle: (n: ClosingNotification) => NotificationClosure): Promise<number> {
    return this.db.transaction(async (tx) => {
      const rows = await tx.query<{
        id: number;
        user_id: number;
        conversation_id: number;
        sender_id: number;
        sender_name: string | null;
        created_at: Date;
        remaining_count: number;
        unread_count: number;
        latest_unread: { messageType: string; content: string } | null;
        muted: boolean | null;
        unread_total: number;
      }>(
        // The notification's messages: the receiver's in the conversation from first_seq on.
        `WITH due AS (
           SELECT id, user_id, conversation_id, sender_id, first_seq, created_at FROM notifications
           WHERE collecting AND due_at <= now() ORDER BY due_at LIMIT $1 FOR UPDATE SKIP LOCKED
         )
         SELECT d.id, d.user_id, d.conversation_id, d.sender_id, d.created_at, u.name AS sender_name, cm.muted,
           counts.remaining_count, counts.unread_count,
           (SELECT jsonb_build_object('messageType', m.message_type, 'content', m.content) FROM messages m
            WHERE m.conversation_id = d.conversation_id AND m.seq >= d.first_seq AND m.seq > coalesce(cm.read_up_to_seq, 0)
              AND m.receiver_id = d.user_id AND m.status <> 'RECALLED'
            ORDER BY m.seq DESC LIMIT 1) AS latest_unread,
           (SELECT coalesce(sum(all_cm.unread_count), 0)::int8 FROM conversation_members all_cm WHERE all_cm.user_id = d.user_id) AS unread_total
         FROM due d
         LEFT JOIN users u ON u.id = d.sender_id
         LEFT JOIN conversation_members cm ON cm.conversation_id = d.conversation_id AND cm.user_id = d.user_id
         CROSS JOIN LATERAL (
           SELECT count(*) AS remaining_count, count(*) FILTER (WHERE m.seq > coalesce(cm.read_up_to_seq, 0)) AS unread_count
           FROM messages m
           WHERE m.conversation_id = d.conversation_id AND m.seq >= d.first_seq AND m.receiver_id = d.user_id AND m.status <> 'RECALLED'
         ) counts`,
        [limit],
      );
      if (rows.length === 0) return 0;
      const kept: { id: number; payload: string }[] = [];
      const dropped: { id: number; reason: string }[] = [];
      for (const row of rows) {
        const closure = settle({
          id: Number(row.id),
          receiverId: Number(row.user_id),
          conversationId: Number(row.conversation_id),
          senderId: Number(row.sender_id),
          senderName: row.sender_name,
          remainingCount: Number(row.remaining_count),
          unreadCount: Number(row.unread_count),
          latestUnread: row.latest_unread,
          muted: row.muted === true,
          unreadTotal: Number(row.unread_total),
          createdAt: new Date(row.created_at),
        });
        if ('drop' in closure) dropped.push({ id: Number(row.id), reason: closure.drop });
        else if (channels.length === 0) dropped.push({ id: Number(row.id), reason: 'no channel enabled' });
        else kept.push({ id: Number(row.id), payload: JSON.stringify(closure.payload) });
      }
      await tx.query(
        `WITH settled AS (
           SELECT * FROM unnest($1::int8[], $2::text[], $3::text[], $4::text[]) AS s(id, status, payload, reason)
         ), closed AS (
           UPDATE notifications n SET collecting = false, status = s.status, payload = s.payload::jsonb, drop_reason = s.reason, updated_at = now()
           FROM settled s WHERE n.id = s.id
         )
         INSERT INTO notification_deliveries (notification_id, channel)
         SELECT s.id, c FROM settled s CROSS JOIN unnest($5::text[]) AS c WHERE s.status = 'PENDING'`,
        [
          [...kept.map((k) => k.id), ...dropped.map((d) => d.id)],
          [...kept.map(() => 'PENDING'), ...dropped.map(() => 'DROPPED')],
          [...kept.map((k) => k.payload), ...dropped.map(() => null)],
          [...kept.map(() => null), ...dropped.map((d) => d.reason)],
          channels,
        ],
      );
      return rows.length;
    });
  }

  async claimDeliveries(limit: number, channels: readonly string[], leaseMs: number): Promise<ClaimedDelivery[]> {
    if (channels.length === 0) return [];
    const rows = await this.db.query<{ notification_id: number; channel: string; attempts: number; payload: Record<string, unknown>; created_at: Date }>(
      `WITH taken AS (
         SELECT notification_id, channel FROM notification_deliveries
         WHERE status = 'PENDING' AND next_attempt_at <= now() AND (lease_until IS NULL OR lease_until <= now()) AND channel = ANY($2::text[])
         ORDER BY next_attempt_at LIMIT $1 FOR UPDATE SKIP LOCKED
       ), leased AS (
         UPDATE notification_deliveries d SET lease_until = now() + $3 * interval '1 millisecond', attempts = d.attempts + 1
         FROM taken t WHERE d.notification_id = t.notification_id AND d.channel = t.channel
         RETURNING d.notification_id, d.channel, d.attempts
       )
       SELECT l.notification_id, l.channel, l.attempts, n.payload, n.created_at FROM leased l JOIN notifications n ON n.id = l.notification_id`,
      [limit, channels, ms(leaseMs)],
    );
    return rows.map((r) => ({
      notificationId: Number(r.notification_id),
      channel: r.channel,
      attempts: Number(r.attempts),
      payload: r.payload,
      createdAt: new Date(r.created_at),
    }));
  }

  async finishDeliveries(results: readonly { notificationId: number; channel: string; result: AttemptResult }[]): Promise<void> {
    if (results.length === 0) return;
    const ids = [...new Set(results.map((r) => r.notificationId))].sort((a, b) => a - b);
    const columns = resultColumns(results.map((r) => r.result));
    await this.db.transaction(async (tx) => {
      // The notification rows first: two workers finishing two channels of one notification
      // settle it one after the other, the second seeing the first's channel done.
      await tx.query('SELECT id FROM notifications WHERE id = ANY($1::int8[]) ORDER BY id FOR UPDATE', [ids]);
      await tx.query(
        `UPDATE notification_deliveries d SET status = r.status, lease_until = NULL, last_error = coalesce(r.error, d.last_error),
           next_attempt_at = CASE WHEN r.status = 'PENDING' THEN now() + r.retry_ms * interval '1 millisecond' ELSE d.next_attempt_at END,
           finished_at = CASE WHEN r.status = 'PENDING' THEN NULL ELSE now() END
         FROM unnest($1::int8[], $2::text[], $3::text[], $4::int8[], $5::text[]) AS r(nid, channel, status, retry_ms, error)
         WHERE d.notification_id = r.nid AND d.channel = r.channel`,
        [results.map((r) => r.notificationId), results.map((r) => r.channel), columns.status, columns.retryMs, columns.error],
      );
      await tx.query(
        `UPDATE notifications n SET updated_at = now(),
           status = CASE WHEN a.sent THEN 'SENT' WHEN a.failed THEN 'FAILED' ELSE 'DROPPED' END,
           drop_reason = CASE WHEN a.sent OR a.failed THEN NULL ELSE 'no channel had a registration' END
         FROM (SELECT notification_id, bool_or(status = 'SENT') AS sent, bool_or(status = 'FAILED') AS failed, bool_or(status = 'PENDING') AS pending
               FROM notification_deliveries WHERE notification_id = ANY($1::int8[]) GROUP BY notification_id) a
         WHERE n.id = a.notification_id AND NOT a.pending`,
        [ids],
      );
    });
  }

  async claimEvents(limit: number, leaseMs: number): Promise<ClaimedEvent[]> {
    const rows = await this.db.query<{ id: number; event: string; conversation_id: number | null; data: unknown; created_at: Date; attempts: number }>(
      `WITH taken AS (
         SELECT e.id FROM outbox_events e
         WHERE e.status = 'PENDING' AND e.next_attempt_at <= now() AND (e.lease_until IS NULL OR e.lease_until <= now())
           AND NOT EXISTS (SELECT 1 FROM outbox_events p WHERE p.conversation_id = e.conversation_id AND p.status = 'PENDING' AND p.id < e.id)
         ORDER BY e.id LIMIT $1 FOR UPDATE SKIP LOCKED
       ), leased AS (
         UPDATE outbox_events o SET lease_until = now() + $2 * interval '1 millisecond', attempts = o.attempts + 1
         FROM taken t WHERE o.id = t.id
         RETURNING o.id, o.event, o.conversation_id, o.message_id, o.data, o.created_at, o.attempts
       )
       -- A send-path event holds the message id: built here from the message, which no write has
       -- changed yet (a change fixes the data in the row first).
       SELECT l.id, l.event, l.conversation_id, coalesce(l.data, ${messageCreatedJson('m')}) AS data, l.created_at, l.attempts
       FROM leased l LEFT JOIN messages m ON l.data IS NULL AND m.id = l.message_id`,
      [limit, ms(leaseMs)],
    );
    return rows
      .map((r) => ({
        id: Number(r.id),
        event: r.event,
        conversationId: r.conversation_id === null ? null : Number(r.conversation_id),
        data: r.data,
        createdAt: new Date(r.created_at),
        attempts: Number(r.attempts),
      }))
      .sort((a, b) => a.id - b.id);
  }

  async finishEvents(results: readonly { id: number; result: AttemptResult }[]): Promise<void> {
    if (results.length === 0) return;
    const columns = resultColumns(results.map((r) => r.result));
    await this.db.query(
      `UPDATE outbox_events e SET status = r.status, lease_until = NULL, last_error = coalesce(r.error, e.last_error),
         next_attempt_at = CASE WHEN r.status = 'PENDING' THEN now() + r.retry_ms * interval '1 millisecond' ELSE e.next_attempt_at END,
         finished_at = CASE WHEN r.status = 'PENDING' THEN NULL ELSE now() END
       FROM unnest($1::int8[], $2::text[], $3::int8[], $4::text[]) AS r(id, status, retry_ms, error)
       WHERE e.id = r.id`,
      [results.map((r) => r.id), columns.status.map((s) => (s === 'SKIPPED' ? 'SENT' : s)), columns.retryMs, columns.error],
    );
  }

  async purgeFinished(olderThanMs: number): Promise<number> {
    const [row] = await this.db.query<{ n: number }>(
      `WITH gone_notifications AS (
         DELETE FROM notifications WHERE status <> 'PENDING' AND updated_at < now() - $1 * interval '1 millisecond' RETURNING 1
       ), gone_events AS (
         DELETE FROM outbox_events WHERE status <> 'PENDING' AND finished_at < now() - $1 * interval '1 millisecond' RETURNING 1
       )
       SELECT (SELECT count(*) FROM gone_notifications) + (SELECT count(*) FROM gone_events) AS n`,
      [ms(olderThanMs)],
    );
    return Number(row?.n ?? 0);
  }

  async listNotifications(status: NotificationStatus | null, limit: number): Promise<NotificationRecord[]> {
    const rows = await this.db.query<{
      id: number;
      user_id: number;
      conversation_id: number;
      sender_id: number;
      count: number;
      status: NotificationStatus;
      drop_reason: string | null;
      payload: Record<string, unknown> | null;
      due_at: Date;
      created_at: Date;
      updated_at: Date;
      deliveries: { channel: string; status: string; attempts: number; lastError: string | null; nextAttemptAt: string | null; finishedAt: string | null }[] | null;
    }>(
      `SELECT n.id, n.user_id, n.conversation_id, n.sender_id, n.status,
         -- Fixed in the payload once closed; while collecting, what it stands for so far.
         coalesce((n.payload ->> 'count')::int8, (SELECT count(*) FROM messages m WHERE m.conversation_id = n.conversation_id
           AND m.seq >= n.first_seq AND m.receiver_id = n.user_id AND m.status <> 'RECALLED')) AS count, n.drop_reason, n.payload,
         n.due_at, n.created_at, n.updated_at,
         (SELECT jsonb_agg(jsonb_build_object('channel', d.channel, 'status', d.status, 'attempts', d.attempts, 'lastError', d.last_error,
                   'nextAttemptAt', CASE WHEN d.status = 'PENDING' THEN d.next_attempt_at END, 'finishedAt', d.finished_at) ORDER BY d.channel)
          FROM notification_deliveries d WHERE d.notification_id = n.id) AS deliveries
       FROM notifications n WHERE ($1::text IS NULL OR n.status = $1) ORDER BY n.id DESC LIMIT $2`,
      [status, limit],
    );
    return rows.map((r) => ({
      id: notificationIdText(Number(r.id)),
      userId: Number(r.user_id),
      conversationId: Number(r.conversation_id),
      senderId: Number(r.sender_id),
      count: Number(r.count),
      status: r.status,
      dropReason: r.drop_reason,
      payload: r.payload,
      deliveries: (r.deliveries ?? []).map((d) => ({ ...d, nextAttemptAt: iso(d.nextAttemptAt), finishedAt: iso(d.finishedAt) })),
      dueAt: iso(r.due_at)!,
      createdAt: iso(r.created_at)!,
      updatedAt: iso(r.updated_at)!,
    }));
  }

  async backlog(): Promise<{ notifications: number; events: number }> {
    const [row] = await this.db.query<{ notifications: number; events: number }>(
      `SELECT (SELECT count(*) FROM notifications WHERE status = 'PENDING') AS notifications,
              (SELECT count(*) FROM outbox_events WHERE status = 'PENDING') AS events`,
    );
    return { notifications: Number(row?.notifications ?? 0), events: Number(row?.events ?? 0) };
  }
}
