import type { OutboxEvent, OutboxEventName } from '../domain/outbox-events.js';
import type { SqlExecutor } from './sql-client.js';

/**
 * Appends events to the outbox inside the caller's transaction, in the order given. For the
 * per-conversation order to hold, the caller holds the lock of each event's conversation row
 * (every write path takes it first), so ids follow commit order within a conversation.
 */
export async function appendOutboxEvents(tx: SqlExecutor, events: readonly OutboxEvent[]): Promise<void> {
  if (events.length === 0) return;
  await tx.query(
    `INSERT INTO outbox_events (event, conversation_id, data)
     SELECT e, c, d::jsonb FROM unnest($1::text[], $2::int8[], $3::text[]) WITH ORDINALITY AS v(e, c, d, n) ORDER BY n`,
    [events.map((e) => e.event), events.map((e) => e.conversationId), events.map((e) => JSON.stringify(e.data))],
  );
}

/**
 * The `message.created` data of message row `m` as SQL, the shape `messageCreatedData` gives for
 * a row in JavaScript (a new message has no `editedAt`). An exchange result's revealed profile
 * data stays out: it leaves the server only to the two users.
 */
export function messageCreatedJson(m: string): string {
  return `jsonb_build_object('message', jsonb_build_object(
    'id', ${m}.id, 'conversationId', ${m}.conversation_id, 'seq', ${m}.seq, 'senderId', ${m}.sender_id, 'receiverId', ${m}.receiver_id,
    'messageType', ${m}.message_type, 'content', ${m}.content, 'extra', ${m}.extra - 'revealed', 'clientMsgId', ${m}.client_msg_id,
    'createdAt', to_char(${m}.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')))`;
}

/**
 * Fixes the data of the conversation's pending `message.created` events that the send path
 * wrote as a bare message id, from the messages as they still are. Every write that changes a
 * stored message (edit, recall, a reply's quote cleared by a recall) calls it first, inside its
 * transaction and under the conversation's lock, so an event sent later still carries the
 * message as it was created. It touches only the conversation's pending events (one range of
 * their partial index).
 */
export async function fixPendingMessageCreated(tx: SqlExecutor, conversationId: number): Promise<void> {
  await tx.query(
    `UPDATE outbox_events e SET data = ${messageCreatedJson('m')} FROM messages m
     WHERE e.conversation_id = $1 AND e.status = 'PENDING' AND e.data IS NULL AND m.id = e.message_id`,
    [conversationId],
  );
}

/**
 * Which events this deployment records: none without an events URL, else those it asked for.
 * Stores hold one and write through it, so an unwanted event costs nothing.
 */
export class OutboxEventWriter {
  static readonly NONE = new OutboxEventWriter(new Set());

  constructor(private readonly wanted: ReadonlySet<OutboxEventName>) {}

  wants(event: OutboxEventName): boolean {
    return this.wanted.has(event);
  }

  async append(tx: SqlExecutor, events: readonly OutboxEvent[]): Promise<void> {
    await appendOutboxEvents(tx, events.filter((e) => this.wanted.has(e.event)));
  }

  /** Before a write changes a message of the conversation: see `fixPendingMessageCreated`. */
  async beforeMessageChange(tx: SqlExecutor, conversationId: number): Promise<void> {
    if (this.wants('message.created')) await fixPendingMessageCreated(tx, conversationId);
  }
}
