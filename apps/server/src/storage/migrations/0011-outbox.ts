/**
 * The durable outbox of offline reach: notifications to offline receivers (one delivery state per
 * channel) and event webhooks for the host application. Rows are written in the same transaction
 * as the change they report, and delivery workers on every node take due rows with
 * `FOR UPDATE SKIP LOCKED` and a lease, so no row is lost in a crash and no two nodes send one.
 *
 * A notification stands for the messages of one (receiver, conversation) from `first_seq` on,
 * while `collecting` (at most one such row per pair, the partial unique index): a later message
 * of the pair writes nothing (`ON CONFLICT DO NOTHING`), so a burst costs one row. When its
 * coalescing window has passed, a worker closes it — counting then what is still there and
 * unread — fixes the payload (the same on every retry) and creates its deliveries.
 *
 * A `message.created` event of the send path stores only `message_id`: its data is built from
 * the message when a worker takes it, and fixed in the row (`data`) by any write that changes a
 * message of its conversation before then, so it is always the message as it was created. One
 * partial index serves the pending events: the worker's per-conversation order check needs
 * (conversation_id, id); taking the oldest pending ids sorts that index's (few) pending rows.
 */
export const sql = /* sql */ `
CREATE TABLE notifications (
  id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  user_id         bigint NOT NULL,
  conversation_id bigint NOT NULL,
  sender_id       bigint NOT NULL,
  first_seq       bigint NOT NULL,
  collecting      boolean NOT NULL DEFAULT true,
  status          text NOT NULL DEFAULT 'PENDING' CHECK (status IN ('PENDING', 'SENT', 'FAILED', 'DROPPED')),
  payload         jsonb,
  drop_reason     text,
  due_at          timestamptz NOT NULL,
  created_at      timestamptz NOT NULL DEFAULT now(),
  updated_at      timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX notifications_collecting ON notifications (user_id, conversation_id) WHERE collecting;
CREATE INDEX notifications_due ON notifications (due_at) WHERE collecting;
CREATE INDEX notifications_finished ON notifications (updated_at) WHERE status <> 'PENDING';

CREATE TABLE notification_deliveries (
  notification_id bigint NOT NULL REFERENCES notifications (id) ON DELETE CASCADE,
  channel         text NOT NULL,
  status          text NOT NULL DEFAULT 'PENDING' CHECK (status IN ('PENDING', 'SENT', 'FAILED', 'SKIPPED')),
  attempts        integer NOT NULL DEFAULT 0,
  next_attempt_at timestamptz NOT NULL DEFAULT now(),
  lease_until     timestamptz,
  last_error      text,
  finished_at     timestamptz,
  PRIMARY KEY (notification_id, channel)
);
CREATE INDEX notification_deliveries_due ON notification_deliveries (next_attempt_at) WHERE status = 'PENDING';

CREATE TABLE outbox_events (
  id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  event           text NOT NULL,
  conversation_id bigint,
  message_id      bigint,
  data            jsonb CHECK (data IS NOT NULL OR message_id IS NOT NULL),
  created_at      timestamptz NOT NULL DEFAULT now(),
  status          text NOT NULL DEFAULT 'PENDING' CHECK (status IN ('PENDING', 'SENT', 'FAILED')),
  attempts        integer NOT NULL DEFAULT 0,
  next_attempt_at timestamptz NOT NULL DEFAULT now(),
  lease_until     timestamptz,
  last_error      text,
  finished_at     timestamptz
);
CREATE INDEX outbox_events_pending_by_conversation ON outbox_events (conversation_id, id) WHERE status = 'PENDING';
CREATE INDEX outbox_events_finished ON outbox_events (finished_at) WHERE status <> 'PENDING';
`;
