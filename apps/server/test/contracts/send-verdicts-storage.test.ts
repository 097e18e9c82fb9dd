/**
 * The send-time verdicts of the storing function, on embedded PGlite and on a PostgreSQL server:
 * restricted senders, unmatched pairs, the first-contact limit and the new-conversations limit.
 * The limits are counted in the database under the write path's locks, so two stores on one
 * database (two nodes) racing for the last allowed message store exactly the limit.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { NewMessage, SendOutcome, StrangerLimits } from '../../src/ports/message-store.js';
import { openDatabase } from '../../src/storage/open-database.js';
import { PostgresConversationStore } from '../../src/storage/postgres-conversation-store.js';
import { PostgresMessageStore } from '../../src/storage/postgres-message-store.js';
import type { SqlClient } from '../../src/storage/sql-client.js';
import { createTestDatabase, TEST_DATABASE_URL, type TestDatabase } from '../support/test-database.js';

interface Backend {
  name: string;
  available: boolean;
  /** Two clients on one database when the backend has a server, else the one embedded database twice. */
  open(): Promise<{ dbs: [SqlClient, SqlClient]; dispose(): Promise<void> }>;
}

const BACKENDS: Backend[] = [
  {
    name: 'PGlite (memory://)',
    available: true,
    async open() {
      const db = await openDatabase({ databaseUrl: null, dataDir: 'memory://' });
      return { dbs: [db, db], dispose: () => db.close() };
    },
  },
  {
    name: 'PostgreSQL, two clients as two nodes',
    available: Boolean(TEST_DATABASE_URL),
    async open() {
      const database: TestDatabase = await createTestDatabase();
      const first = await openDatabase({ databaseUrl: database.url, dataDir: 'memory://' });
      const second = await openDatabase({ databaseUrl: database.url, dataDir: 'memory://' });
      return {
        dbs: [first, second],
        async dispose() {
          await first.close();
          await second.close();
          await database.drop();
        },
      };
    },
  },
];

const text = (senderId: number, receiverId: number, content = 'hi'): NewMessage => ({ senderId, receiverId, messageType: 'TEXT', content, extra: null, clientMsgId: null });
const kinds = (outcomes: SendOutcome[]) => outcomes.map((o) => (o.kind === 'rejected' ? o.code : o.kind));
const OFF: StrangerLimits = { firstContactLimit: 0, newConversationsPerDay: 0 };

for (const backend of BACKENDS) {
  describe.skipIf(!backend.available)(`send verdicts on ${backend.name}`, () => {
    let dbs: [SqlClient, SqlClient];
    let dispose: () => Promise<void>;
    let db: SqlClient;
    let conversations: PostgresConversationStore;
    let nextUserId = 5000;

    async function newUsers(count: number): Promise<number[]> {
      const ids = Array.from({ length: count }, (_, i) => nextUserId + i);
      nextUserId += count + 10;
      await db.query('INSERT INTO users (id) SELECT unnest($1::int8[])', [ids]);
      return ids;
    }

    const storeWith = (limits: StrangerLimits, which: 0 | 1 = 0) => new PostgresMessageStore(dbs[which], limits);

    beforeAll(async () => {
      ({ dbs, dispose } = await backend.open());
      db = dbs[0];
      conversations = new PostgresConversationStore(db);
    });

    afterAll(async () => {
      await dispose?.();
    });

    it('refuses a muted or banned sender while the restriction lasts, and lets them send after it ended', async () => {
      const [muted, banned, expired, peer] = await newUsers(4);
      await db.query(
        `INSERT INTO user_restrictions (user_id, kind, until) VALUES ($1, 'MUTE', NULL), ($2, 'BAN', now() + interval '1 hour'), ($3, 'MUTE', now() - interval '1 second')`,
        [muted, banned, expired],
      );
      const outcomes = await storeWith(OFF).appendBatch([text(muted!, peer!), text(banned!, peer!), text(expired!, peer!), text(peer!, muted!)]);
      expect(kinds(outcomes)).toEqual(['USER_MUTED', 'USER_BANNED', 'stored', 'stored']);
    });

    it('answers BLOCKED in both directions once the pair is unmatched', async () => {
      const [a, b] = await newUsers(2);
      const store = storeWith(OFF);
      expect(kinds(await store.appendBatch([text(a!, b!)]))).toEqual(['stored']);
      const conversation = await conversations.findByPair(a!, b!);
      await db.query('INSERT INTO conversation_unmatches (conversation_id, unmatched_by) VALUES ($1, $2)', [conversation!.id, a]);
      expect(kinds(await store.appendBatch([text(a!, b!), text(b!, a!)]))).toEqual(['BLOCKED', 'BLOCKED']);
    });

    it('lets a stranger send the first-contact limit, counting earlier items of the batch, until the peer answers', async () => {
      const [sender, peer] = await newUsers(2);
      const store = storeWith({ firstContactLimit: 2, newConversationsPerDay: 0 });
      expect(kinds(await store.appendBatch([text(sender!, peer!, '1'), text(sender!, peer!, '2'), text(sender!, peer!, '3')]))).toEqual([
        'stored',
        'stored',
        'AWAITING_REPLY',
      ]);
      expect(kinds(await store.appendBatch([text(sender!, peer!, '4')]))).toEqual(['AWAITING_REPLY']);
      // The peer's answer, earlier in the same batch, lifts the limit for good.
      expect(kinds(await store.appendBatch([text(peer!, sender!, 'hello'), text(sender!, peer!, '5'), text(sender!, peer!, '6')]))).toEqual([
        'stored',
        'stored',
        'stored',
      ]);
      const history = await new PostgresMessageStore(db).history((await conversations.findByPair(sender!, peer!))!.id, sender!, { afterSeq: 0, limit: 100 });
      expect(history.items.map((m) => m.content)).toEqual(['1', '2', 'hello', '5', '6']);
      expect(history.items.map((m) => m.seq)).toEqual([1, 2, 3, 4, 5]);
    });

    it('limits conversation starts per 24 hours with the wait until a slot frees, and leaves no empty conversation behind', async () => {
      const [sender, p1, p2, p3, p4] = await newUsers(5);
      const store = storeWith({ firstContactLimit: 0, newConversationsPerDay: 2 });
      expect(kinds(await store.appendBatch([text(sender!, p1!)]))).toEqual(['stored']);
      // Two messages to one new peer are one start; the third new peer of the batch is over the limit.
      const outcomes = await store.appendBatch([text(sender!, p2!), text(sender!, p2!), text(sender!, p3!)]);
      expect(kinds(outcomes)).toEqual(['stored', 'stored', 'RATE_LIMITED']);
      const refused = outcomes[2] as Extract<SendOutcome, { kind: 'rejected' }>;
      expect(refused.retryAfterMs).toBeGreaterThan(23 * 3600_000);
      expect(refused.retryAfterMs).toBeLessThanOrEqual(24 * 3600_000);
      expect(await conversations.findByPair(sender!, p3!)).toBeNull();
      // Messages in conversations already started, and answers to others, are not starts.
      expect(kinds(await store.appendBatch([text(sender!, p1!), text(p4!, sender!), text(sender!, p4!)]))).toEqual(['stored', 'stored', 'stored']);
      // A start older than 24 hours no longer counts.
      await db.query(`UPDATE messages SET created_at = created_at - interval '25 hours' WHERE sender_id = $1 AND receiver_id = $2`, [sender, p1]);
      expect(kinds(await store.appendBatch([text(sender!, p3!)]))).toEqual(['stored']);
    });

    it('stores exactly the first-contact limit when two nodes race for the last allowed messages', async () => {
      const [sender, peer] = await newUsers(2);
      const limits = { firstContactLimit: 3, newConversationsPerDay: 0 };
      const stores = [storeWith(limits, 0), storeWith(limits, 1)];
      const attempts = Array.from({ length: 12 }, (_, i) => stores[i % 2]!.appendBatch([text(sender!, peer!, `m${i}`)]));
      const outcomes = (await Promise.all(attempts)).flat();
      expect(outcomes.filter((o) => o.kind === 'stored')).toHaveLength(3);
      expect(outcomes.filter((o) => o.kind === 'rejected' && o.code === 'AWAITING_REPLY')).toHaveLength(9);
      const [{ n }] = (await db.query<{ n: number }>('SELECT count(*)::int AS n FROM messages WHERE sender_id = $1', [sender])) as [{ n: number }];
      expect(Number(n)).toBe(3);
    });

    it('starts exactly the allowed number of conversations when two nodes race with different new peers', async () => {
      const [sender, ...peers] = await newUsers(11);
      const limits = { firstContactLimit: 0, newConversationsPerDay: 4 };
      const stores = [storeWith(limits, 0), storeWith(limits, 1)];
      const outcomes = (await Promise.all(peers.map((peer, i) => stores[i % 2]!.appendBatch([text(sender!, peer)])))).flat();
      expect(outcomes.filter((o) => o.kind === 'stored')).toHaveLength(4);
      expect(outcomes.filter((o) => o.kind === 'rejected' && o.code === 'RATE_LIMITED')).toHaveLength(6);
      const [{ n }] = (await db.query<{ n: number }>('SELECT count(*)::int AS n FROM conversations WHERE user_lo = $1 OR user_hi = $1', [sender])) as [{ n: number }];
      expect(Number(n)).toBe(4);
    });
  });
}
