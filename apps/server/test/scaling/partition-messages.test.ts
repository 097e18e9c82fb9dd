/**
 * The opt-in monthly partitioning script (apps/server/sql/partition-messages.sql, docs/scaling.md)
 * on a real PostgreSQL: it converts a database holding messages, keeps them, and the unchanged
 * storage code keeps its promises on the partitioned table — gap-free seq, idempotent send
 * (also racing batches), history, recall.
 */
import { readFile } from 'node:fs/promises';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import type { NewMessage } from '../../src/ports/message-store.js';
import { openDatabase } from '../../src/storage/open-database.js';
import { PostgresMessageStore } from '../../src/storage/postgres-message-store.js';
import { PostgresUserStore } from '../../src/storage/postgres-user-store.js';
import { createTestDatabase, TEST_DATABASE_URL } from '../support/test-database.js';

const text = (senderId: number, receiverId: number, content: string, clientMsgId: string | null = null): NewMessage => ({
  senderId, receiverId, messageType: 'TEXT', content, extra: null, clientMsgId,
});

describe.skipIf(!TEST_DATABASE_URL)('partition-messages.sql (opt-in)', () => {
  it('converts a live schema and the storage code keeps working on it', async () => {
    await using database = await createTestDatabase();
    const db = await openDatabase({ databaseUrl: database.url, dataDir: 'memory://' });
    try {
      const users = new PostgresUserStore(db);
      const messages = new PostgresMessageStore(db);
      for (const id of [1, 2]) await users.upsert(id, {});
      const before = await messages.appendBatch([text(1, 2, 'before 1', 'c1'), text(2, 1, 'before 2', 'c2')]);
      expect(before.map((o) => o.kind)).toEqual(['stored', 'stored']);

      const script = await readFile(new URL('../../sql/partition-messages.sql', import.meta.url), 'utf8');
      const admin = new pg.Client({ connectionString: database.url });
      await admin.connect();
      try {
        await admin.query(script);
        const [{ kind }] = (await admin.query(`SELECT relkind AS kind FROM pg_class WHERE relname = 'messages'`)).rows;
        expect(kind).toBe('p');
        // Every index the migrations made on messages (search, media lookups, …) is there again.
        const indexes = (await admin.query(`SELECT indexname FROM pg_indexes WHERE tablename = 'messages'`)).rows.map((r: { indexname: string }) => r.indexname);
        expect(indexes).toEqual(expect.arrayContaining(['messages_search', 'messages_search_by_sender', 'messages_by_media_key', 'messages_pending_exchange', 'messages_conversation_starts']));
      } finally {
        await admin.end();
      }

      const after = await messages.appendBatch([text(1, 2, 'after 3', 'c3'), text(1, 2, 'again', 'c1')]);
      expect(after[0]).toMatchObject({ kind: 'stored', message: { seq: 3 } });
      expect(after[1]?.kind).toBe('duplicate');
      // Racing batches with the same clientMsgId: one stores, the others answer duplicate.
      const raced = (await Promise.all([1, 2, 3].map(() => messages.appendBatch([text(2, 1, 'race', 'same')])))).flat();
      expect(raced.filter((o) => o.kind === 'stored')).toHaveLength(1);
      expect(raced.filter((o) => o.kind === 'duplicate')).toHaveLength(2);

      const stored = before[0]!.kind === 'stored' ? before[0]!.message : null;
      const page = await messages.history(stored!.conversationId, 1, { limit: 100 });
      expect(page.items.map((m) => [m.seq, m.content])).toEqual([[1, 'before 1'], [2, 'before 2'], [3, 'after 3'], [4, 'race']]);
      const partitions = await db.query<{ part: string }>(`SELECT DISTINCT tableoid::regclass::text AS part FROM messages`);
      expect(partitions.map((p) => p.part)).toEqual([`messages_${new Date().toISOString().slice(0, 7).replace('-', '')}`]);
    } finally {
      await db.close();
    }
  });
});
