import type { NewMessage } from '../ports/message-store.js';
import { OutboxEventWriter } from './outbox-events.js';
import type { MessageRow } from './message-rows.js';

/** What the send path writes to the outbox besides the messages; `OFF` writes nothing. */
export interface SendOutboxSettings {
  /** Whether any notification channel is enabled (else no notification rows are written). */
  notifications: boolean;
  /** How long a new notification waits for more messages of its conversation. */
  coalesceMs: number;
  events: OutboxEventWriter;
}

/**
 * Wraps the batch's append call so the outbox rows go in the same statement, hence the same
 * transaction, as the messages — one more multi-row step per batch, no extra round trip:
 *
 * - a notification per (receiver, conversation) of the stored items marked `notifyReceiver`,
 *   unless the receiver muted the conversation, starting at the first such message; when one of
 *   that pair is still collecting, nothing is written: it already stands for every later message
 *   of the pair, counted when it closes. A conversation the call just created has no member row
 *   in this statement's snapshot, and is not muted;
 * - a `message.created` event per stored item, in conversation and seq order, holding the
 *   message id; its data is the message as created (see `fixPendingMessageCreated`).
 *
 * `append` is a SELECT of the append function's rows (with `idx`, `outcome` and the message
 * columns); `params` its parameters. Returns the statement and its parameters.
 */
export function withSendOutbox(
  settings: SendOutboxSettings,
  append: string,
  params: unknown[],
  items: readonly NewMessage[],
): { text: string; params: unknown[] } {
  const notify = settings.notifications && items.some((i) => i.notifyReceiver === true);
  const events = settings.events.wants('message.created');
  if (!notify && !events) return { text: append, params };
  const all = [...params];
  const param = (value: unknown) => {
    all.push(value);
    return `$${all.length}`;
  };
  const steps: string[] = [`appended AS (${append})`];
  if (notify) {
    const flags = param(items.map((i) => i.notifyReceiver === true));
    const coalesce = param(settings.coalesceMs);
    steps.push(`notified AS (
      INSERT INTO notifications (user_id, conversation_id, sender_id, first_seq, due_at)
      SELECT a.receiver_id, a.conversation_id, min(a.sender_id), min(a.seq), now() + ${coalesce}::int8 * interval '1 millisecond'
      FROM appended a
      WHERE a.outcome = 'stored' AND (${flags}::bool[])[a.idx]
        AND NOT EXISTS (SELECT 1 FROM conversation_members m WHERE m.conversation_id = a.conversation_id AND m.user_id = a.receiver_id AND m.muted)
      GROUP BY a.receiver_id, a.conversation_id
      ON CONFLICT (user_id, conversation_id) WHERE collecting DO NOTHING
    )`);
  }
  if (events) {
    // The message id only: the data is built when the event is sent (or fixed by a later change
    // of the message first), which keeps this step to a narrow row and two index entries.
    steps.push(`evented AS (
      INSERT INTO outbox_events (event, conversation_id, message_id)
      SELECT 'message.created', a.conversation_id, a.id
      FROM appended a WHERE a.outcome = 'stored' ORDER BY a.conversation_id, a.seq
    )`);
  }
  return { text: `WITH ${steps.join(',\n')}\nSELECT * FROM appended`, params: all };
}

/** No notifications, no events: the send path's statement as it is without an outbox. */
export const SEND_OUTBOX_OFF: SendOutboxSettings = { notifications: false, coalesceMs: 0, events: OutboxEventWriter.NONE };

/**
 * The `message.created` event's data for a message written outside the batch statement (exchange
 * requests and results), the same shape as `messageCreatedJson` builds in SQL. An exchange result's revealed
 * profile data stays out: it leaves the server only to the two users.
 */
export function messageCreatedData(row: MessageRow): { message: Record<string, unknown> } {
  const { revealed: _revealed, ...extra } = row.extra ?? {};
  return {
    message: {
      id: Number(row.id),
      conversationId: Number(row.conversation_id),
      seq: Number(row.seq),
      senderId: Number(row.sender_id),
      receiverId: Number(row.receiver_id),
      messageType: row.message_type,
      content: row.content,
      extra: row.extra === null ? null : extra,
      clientMsgId: row.client_msg_id,
      createdAt: new Date(row.created_at).toISOString(),
      ...(row.edited_at ? { editedAt: new Date(row.edited_at).toISOString() } : {}),
    },
  };
}
