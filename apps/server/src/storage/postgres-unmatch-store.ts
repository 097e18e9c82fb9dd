import type { UnmatchOutcome, UnmatchStore } from '../ports/unmatch-store.js';
import { OutboxEventWriter } from './outbox-events.js';
import type { SqlClient, SqlExecutor } from './sql-client.js';
import { appendUpdates } from './write-path.js';

/** Logs the conversation's new state in both users' update logs; their userSeqs. */
async function logState(tx: SqlExecutor, conversationId: number, participants: readonly [number, number], state: 'UNMATCHED' | 'ACTIVE'): Promise<Map<number, number>> {
  const data = { conversationId, state };
  const seqs = await appendUpdates(
    tx,
    participants.map((userId) => ({ userId, kind: 'conversation' as const, messageId: null, data })),
  );
  return new Map(participants.map((userId, i) => [userId, seqs[i]!]));
}

export class PostgresUnmatchStore implements UnmatchStore {
  /** `events`: the event webhooks' filter; `conversation.unmatched` is written with the unmatch. */
  constructor(
    private readonly db: SqlClient,
    private readonly events: OutboxEventWriter = OutboxEventWriter.NONE,
  ) {}

  async unmatch(conversationId: number, byUserId: number, participants: readonly [number, number]): Promise<UnmatchOutcome> {
    return this.db.transaction(async (tx) => {
      // The conversation row first, then the users (in appendUpdates): the lock order of every write.
      await tx.query('SELECT id FROM conversations WHERE id = $1 FOR UPDATE', [conversationId]);
      const inserted = await tx.query(
        'INSERT INTO conversation_unmatches (conversation_id, unmatched_by) VALUES ($1, $2) ON CONFLICT (conversation_id) DO NOTHING RETURNING conversation_id',
        [conversationId, byUserId],
      );
      if (inserted.length === 0) return { kind: 'already' };
      const userSeqs = await logState(tx, conversationId, participants, 'UNMATCHED');
      await this.events.append(tx, [{ event: 'conversation.unmatched', conversationId, data: { conversationId, unmatchedBy: byUserId, userIds: [...participants] } }]);
      return { kind: 'changed', userSeqs };
    });
  }

  async restore(conversationId: number, participants: readonly [number, number]): Promise<UnmatchOutcome> {
    return this.db.transaction(async (tx) => {
      await tx.query('SELECT id FROM conversations WHERE id = $1 FOR UPDATE', [conversationId]);
      const rows = await tx.query('DELETE FROM conversation_unmatches WHERE conversation_id = $1 RETURNING conversation_id', [conversationId]);
      if (rows.length === 0) return { kind: 'already' };
      return { kind: 'changed', userSeqs: await logState(tx, conversationId, participants, 'ACTIVE') };
    });
  }

  async isUnmatched(conversationId: number): Promise<boolean> {
    const rows = await this.db.query('SELECT 1 FROM conversation_unmatches WHERE conversation_id = $1', [conversationId]);
    return rows.length > 0;
  }
}
