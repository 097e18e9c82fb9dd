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
}
