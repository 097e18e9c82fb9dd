/**
 * Message search through the storage port, on embedded PGlite and on a real PostgreSQL server:
 * substrings of Chinese without word segmentation (two characters included), case-insensitive
 * English, only the searcher's own conversations, one peer, newest first in pages, and what the
 * searcher no longer sees left out (recalled, hidden, cleared, unmatched). Tests isolate by user ids.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { NewMessage, SendOutcome } from '../../src/ports/message-store.js';
import type { SearchRequest } from '../../src/ports/message-search.js';
import { PostgresMessageSearch, RECENT_SEARCH_SQL, RECENT_WALK_ROWS, SEARCH_SQL } from '../../src/storage/postgres-message-search.js';
import { PostgresMessageStore } from '../../src/storage/postgres-message-store.js';
import { PostgresUserStore } from '../../src/storage/postgres-user-store.js';
import type { SqlClient } from '../../src/storage/sql-client.js';
import { SQL_BACKENDS } from '../support/sql-backends.js';


const message = (senderId: number, receiverId: number, content: string, messageType: NewMessage['messageType'] = 'TEXT', extra: Record<string, unknown> | null = null): NewMessage => ({
  senderId,
  receiverId,
  messageType,
  content,
  extra,
  clientMsgId: null,
});

for (const backend of SQL_BACKENDS) {
  describe.skipIf(!backend.available)(`message search on ${backend.name}`, () => {
    let db: SqlClient;
    let dispose: () => Promise<void>;
    let messages: PostgresMessageStore;
    let search: PostgresMessageSearch;
    let nextUserId = 5000;

    beforeAll(async () => {
      ({ db, dispose } = await backend.open());
      messages = new PostgresMessageStore(db);
      search = new PostgresMessageSearch(db);
    });
    afterAll(async () => dispose?.());

    async function users(count: number): Promise<number[]> {
      const ids = Array.from({ length: count }, () => nextUserId++);
      const store = new PostgresUserStore(db);
      for (const id of ids) await store.upsert(id, { name: `user ${id}` });
      return ids;
    }

    async function send(...items: NewMessage[]): Promise<number[]> {
      const ids: number[] = [];
      for (const item of items) {
        const [outcome] = (await messages.appendBatch([item])) as [SendOutcome];
        if (outcome.kind !== 'stored') throw new Error(`not stored: ${JSON.stringify(outcome)}`);
        ids.push(outcome.message.id);
      }
      return ids;
    }

    const find = async (request: Partial<SearchRequest> & Pick<SearchRequest, 'userId' | 'text'>) =>
      search.search({ peerId: null, beforeId: null, limit: 20, ...request });
    const contents = async (request: Partial<SearchRequest> & Pick<SearchRequest, 'userId' | 'text'>) => (await find(request)).map((f) => f.message.content);

    it('finds Chinese substrings without word segmentation, two characters included', async () => {
      const [me, peer] = await users(2);
      await send(message(me!, peer!, '没有信号了'), message(peer!, me!, '今天晚上一起吃饭吗？'), message(me!, peer!, '好的'));
      expect(await contents({ userId: me!, text: '信号' })).toEqual(['没有信号了']);
      expect(await contents({ userId: me!, text: '没有信号了' })).toEqual(['没有信号了']);
      expect(await contents({ userId: peer!, text: '一起吃饭' })).toEqual(['今天晚上一起吃饭吗？']);
      expect(await contents({ userId: me!, text: '好的' })).toEqual(['好的']);
      expect(await contents({ userId: me!, text: '信息' })).toEqual([]);
    });

    it('matches English case-insensitively, across spaces, and only the exact substring', async () => {
      const [me, peer] = await users(2);
      await send(message(me!, peer!, 'Hello World, see you at 8'), message(peer!, me!, 'ab ba'));
      expect(await contents({ userId: me!, text: 'hello' })).toEqual(['Hello World, see you at 8']);
      expect(await contents({ userId: me!, text: 'O WORLD' })).toEqual(['Hello World, see you at 8']);
      // Every bigram of "aba" (ab, ba) is in "ab ba", but the text is not: the index's candidates are checked.
      expect(await contents({ userId: me!, text: 'aba' })).toEqual([]);
      expect(await contents({ userId: me!, text: 'b b' })).toEqual(['ab ba']);
    });

    it("finds only the searcher's own conversations, and one peer's when asked", async () => {
      const [me, alice, bob, carol, dave] = await users(5);
      await send(message(me!, alice!, '火锅 with Alice'), message(bob!, me!, '火锅 with Bob'), message(carol!, dave!, '火锅 without me'));
      expect(await contents({ userId: me!, text: '火锅' })).toEqual(['火锅 with Bob', '火锅 with Alice']);
      expect(await contents({ userId: me!, text: '火锅', peerId: bob! })).toEqual(['火锅 with Bob']);
      expect(await contents({ userId: me!, text: '火锅', peerId: carol! })).toEqual([]);
      const [hit] = await find({ userId: me!, text: 'with Bob' });
      expect(hit!.peerId).toBe(bob);
      expect(hit!.message.senderId).toBe(bob);
    });

    it('answers newest first and pages with the last id', async () => {
      const [me, peer] = await users(2);
      const ids = await send(...Array.from({ length: 5 }, (_, i) => message(i % 2 ? peer! : me!, i % 2 ? me! : peer!, `第${i}次 咖啡`)));
      const first = await find({ userId: me!, text: '咖啡', limit: 2 });
      expect(first.map((f) => f.message.id)).toEqual([ids[4], ids[3]]);
      const second = await find({ userId: me!, text: '咖啡', limit: 2, beforeId: first[1]!.message.id });
      expect(second.map((f) => f.message.id)).toEqual([ids[2], ids[1]]);
      const last = await find({ userId: me!, text: '咖啡', limit: 2, beforeId: second[1]!.message.id });
      expect(last.map((f) => f.message.id)).toEqual([ids[0]]);
    });

    it('searches the fallback text of CUSTOM messages, and no other type', async () => {
      const [me, peer] = await users(2);
      await send(message(me!, peer!, '[约会邀请] 周五晚上', 'CUSTOM', { kind: 'date' }), message(me!, peer!, '周五', 'EMOJI'));
      const found = await find({ userId: me!, text: '周五' });
      expect(found.map((f) => f.message.messageType)).toEqual(['CUSTOM']);
      expect(found[0]!.message.extra).toEqual({ kind: 'date' });
    });

    it('leaves out recalled messages', async () => {
      const [me, peer] = await users(2);
      const [recalled] = await send(message(me!, peer!, '撤回的秘密'), message(me!, peer!, '留下的秘密'));
      await messages.recall(recalled!);
      expect(await contents({ userId: me!, text: '秘密' })).toEqual(['留下的秘密']);
      expect(await contents({ userId: peer!, text: '秘密' })).toEqual(['留下的秘密']);
    });

    it('leaves out messages hidden for the searcher, only for them', async () => {
      const [me, peer] = await users(2);
      const [hidden] = await send(message(peer!, me!, '隐藏 this one'), message(peer!, me!, '隐藏 not this one'));
      await db.query('INSERT INTO hidden_messages (user_id, message_id) VALUES ($1, $2)', [me, hidden]);
      expect(await contents({ userId: me!, text: '隐藏' })).toEqual(['隐藏 not this one']);
      expect(await contents({ userId: peer!, text: '隐藏' })).toEqual(['隐藏 not this one', '隐藏 this one']);
    });

    it('leaves out what the searcher cleared, but finds what came after', async () => {
      const [me, peer] = await users(2);
      await send(message(me!, peer!, '旧的 天气'), message(peer!, me!, '旧的 天气 2'));
      const [conversation] = await db.query<{ id: number; last_seq: number }>('SELECT id, last_seq FROM conversations WHERE user_lo = $1 AND user_hi = $2', [
        Math.min(me!, peer!),
        Math.max(me!, peer!),
      ]);
      await db.query('UPDATE conversation_members SET cleared_up_to_seq = $3 WHERE user_id = $1 AND conversation_id = $2', [me, conversation!.id, conversation!.last_seq]);
      await send(message(peer!, me!, '新的 天气'));
      expect(await contents({ userId: me!, text: '天气' })).toEqual(['新的 天气']);
      expect(await contents({ userId: peer!, text: '天气' })).toEqual(['新的 天气', '旧的 天气 2', '旧的 天气']);
    });

    it('leaves out unmatched conversations for both sides', async () => {
      const [me, peer, other] = await users(3);
      await send(message(me!, peer!, '再见 forever'), message(me!, other!, '再见 for now'));
      const [conversation] = await db.query<{ id: number }>('SELECT id FROM conversations WHERE user_lo = $1 AND user_hi = $2', [Math.min(me!, peer!), Math.max(me!, peer!)]);
      await db.query('INSERT INTO conversation_unmatches (conversation_id, unmatched_by) VALUES ($1, $2)', [conversation!.id, peer]);
      expect(await contents({ userId: me!, text: '再见' })).toEqual(['再见 for now']);
      expect(await contents({ userId: peer!, text: '再见' })).toEqual([]);
    });

    /** Adds `perConversation` messages to each of `me`'s conversations, interleaved by id as in a real inbox. */
    async function fill(me: number, perConversation: number, content: string): Promise<void> {
      await db.query(
        `INSERT INTO messages (conversation_id, seq, sender_id, receiver_id, message_type, content)
         SELECT c.id, c.last_seq + g, CASE WHEN g % 2 = 0 THEN c.user_lo ELSE c.user_hi END, CASE WHEN g % 2 = 0 THEN c.user_hi ELSE c.user_lo END,
                'TEXT', replace($3, '#', g::text)
         FROM conversations c CROSS JOIN generate_series(1, $2::int) AS g
         WHERE c.user_lo = $1 OR c.user_hi = $1
         ORDER BY g, c.id`,
        [me, perConversation, content],
      );
      await db.query('UPDATE conversations SET last_seq = last_seq + $2 WHERE user_lo = $1 OR user_hi = $1', [me, perConversation]);
    }

    const conversationOf = async (a: number, b: number) =>
      (await db.query<{ id: number }>('SELECT id FROM conversations WHERE user_lo = $1 AND user_hi = $2', [Math.min(a, b), Math.max(a, b)]))[0]!.id;

    it('pages a term common in the searcher\'s messages by walking them newest first, with every exclusion', async () => {
      const [me, alice, bob, carol] = await users(4);
      const [recalled] = await send(message(me!, alice!, 'hello first'), message(bob!, me!, 'hello bob'), message(me!, carol!, 'hello carol'));
      await fill(me!, 40, 'hello #, see you');
      await fill(me!, 10, 'nothing here #');
      await fill(me!, 10, 'HELLO again #');
      await messages.recall(recalled!);
      const [hidden] = await db.query<{ id: number }>(
        "SELECT max(id) AS id FROM messages WHERE receiver_id = $1 AND sender_id = $2 AND content LIKE 'HELLO again%'",
        [me, bob],
      );
      await db.query('INSERT INTO hidden_messages (user_id, message_id) VALUES ($1, $2)', [me, hidden!.id]);
      await db.query('UPDATE conversation_members SET cleared_up_to_seq = 10 WHERE user_id = $1 AND conversation_id = $2', [me, await conversationOf(me!, alice!)]);
      await db.query('INSERT INTO conversation_unmatches (conversation_id, unmatched_by) VALUES ($1, $2)', [await conversationOf(me!, carol!), carol]);

      // The walk fills the first page on its own: that is the path under test.
      expect(await db.query(RECENT_SEARCH_SQL, [me, 'hello', null, 7, RECENT_WALK_ROWS])).toHaveLength(7);

      const pages: number[][] = [];
      let beforeId: number | null = null;
      for (;;) {
        const page = await find({ userId: me!, text: 'hello', limit: 7, beforeId });
        if (page.length === 0) break;
        pages.push(page.map((f) => f.message.id));
        beforeId = page[page.length - 1]!.message.id;
      }
      const walked = pages.flat();
      // The index alone (every match, no page) is the reference: same rows, same order.
      const everything = (await db.query<{ id: number }>(SEARCH_SQL, [me, me, 'hello', null, null])).map((r) => Number(r.id));
      expect(walked).toEqual(everything);
      expect(walked).toEqual([...walked].sort((a, b) => b - a));
      expect(pages.slice(0, -1).every((page) => page.length === 7)).toBe(true);

      const rows = await db.query<{ id: number; conversation_id: number; seq: number; content: string }>(
        'SELECT id, conversation_id, seq, content FROM messages WHERE id = ANY($1::int8[])',
        [walked],
      );
      const carolConversation = await conversationOf(me!, carol!);
      const aliceConversation = await conversationOf(me!, alice!);
      expect(rows.some((r) => Number(r.conversation_id) === carolConversation)).toBe(false);
      expect(rows.some((r) => Number(r.conversation_id) === aliceConversation && Number(r.seq) <= 10)).toBe(false);
      expect(walked).not.toContain(Number(recalled));
      expect(walked).not.toContain(Number(hidden!.id));
      expect(rows.every((r) => r.content.toLowerCase().includes('hello'))).toBe(true);
      // Alice's after the clear at seq 10 (the hello ones at seq 11 to 41, 10 HELLO) and Bob's
      // (hello bob, 40 hello, 10 HELLO) less the hidden one.
      expect(walked).toHaveLength(31 + 10 + (1 + 40 + 10 - 1));
    });

    it('finds a rare term older than the walk reaches, through the index', async () => {
      const [me, peer] = await users(2);
      await send(message(me!, peer!, 'zephyr once'));
      await fill(me!, RECENT_WALK_ROWS + 50, 'filler #');
      expect(await db.query(RECENT_SEARCH_SQL, [me, 'zephyr', null, 21, RECENT_WALK_ROWS])).toHaveLength(0);
      expect(await contents({ userId: me!, text: 'zephyr', limit: 21 })).toEqual(['zephyr once']);
    });

    // At scale the plan is the search index (docs/storage.md shows it at a million messages); a
    // searcher with one small conversation may be answered by walking it. Never by a table scan.
    it('never scans the whole messages table', async () => {
      const [me, peer] = await users(2);
      await send(message(me!, peer!, '索引 plan'));
      // Plenty of other rows, so that a sequential scan would be the planner's choice without the index.
      await db.query(
        `INSERT INTO messages (conversation_id, seq, sender_id, receiver_id, message_type, content)
         SELECT c.id, c.last_seq + g, c.user_lo, c.user_hi, 'TEXT', 'filler ' || g FROM conversations c, generate_series(1, 2000) g
         WHERE c.user_lo = $1 AND c.user_hi = $2`,
        [Math.min(me!, peer!), Math.max(me!, peer!)],
      );
      await db.query('ANALYZE messages');
      const plan = (await db.query<{ 'QUERY PLAN': string }>(`EXPLAIN ${SEARCH_SQL}`, [me, me, '索引', null, 21])).map((r) => r['QUERY PLAN']).join('\n');
      expect(plan).toMatch(/messages_search|messages_seq_unique/);
      expect(plan).not.toMatch(/Seq Scan on messages/);
    });
  });
}
