/**
 * `npx tsx bench/explain-queries.ts > plans.md`: fills a scratch PostgreSQL database
 * (PARLEY_BENCH_DATABASE_URL, default postgres://postgres@127.0.0.1:5432/test) with a realistic
 * amount of data, then runs every query of the operations (docs/operations.md) through the real store classes while printing
 * `EXPLAIN (ANALYZE, BUFFERS)` of each SELECT they send, with the values they bind. The output
 * is what docs/storage.md shows.
 */
import { createScratchDatabase } from './scratch-database.js';
import { openDatabase } from '../apps/server/src/storage/open-database.js';
import { PostgresConversationStateStore } from '../apps/server/src/storage/postgres-conversation-state-store.js';
import { PostgresConversationStore } from '../apps/server/src/storage/postgres-conversation-store.js';
import { PostgresMessageStore } from '../apps/server/src/storage/postgres-message-store.js';
import { PostgresUpdateLog } from '../apps/server/src/storage/postgres-update-log.js';
import type { SqlClient, SqlExecutor } from '../apps/server/src/storage/sql-client.js';

const SERVER_URL = process.env.PARLEY_BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const USERS = 20_000;
const CONVERSATIONS = 50_000;
const MESSAGES_PER_CONVERSATION = 20;
/** One user with this many conversations, some pinned, archived, cleared or with hidden messages. */
const HEAVY_USER = 1;
const HEAVY_CONVERSATIONS = 10_000;

let capture: string | null = null;

/** Wraps a client so that each SELECT sent while `capture` is set is EXPLAINed first. */
function explaining(db: SqlClient): SqlClient {
  const explainThen = (executor: SqlExecutor) => async <R>(text: string, params?: readonly unknown[]): Promise<R[]> => {
    if (capture && /^\s*SELECT/i.test(text)) {
      const plan = await executor.query<{ 'QUERY PLAN': string }>(`EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) ${text}`, params);
      console.log(`### ${capture}\n\n\`\`\`sql\n${text.replace(/^\s+/gm, '  ').trim()}\n\`\`\`\n`);
      console.log(`params: \`${JSON.stringify(params ?? []).slice(0, 300)}\`\n\n\`\`\`\n${plan.map((r) => r['QUERY PLAN']).join('\n')}\n\`\`\`\n`);
    }
    return executor.query<R>(text, params);
  };
  return {
    kind: db.kind,
    query: explainThen(db),
    transaction: (work) => db.transaction((tx) => work({ query: explainThen(tx) })),
    exec: (script) => db.exec(script),
    close: () => db.close(),
  };
}

async function main(): Promise<void> {
  const scratch = await createScratchDatabase(SERVER_URL, 'explain');
  const raw = await openDatabase({ databaseUrl: scratch.url, dataDir: 'memory://' });
  try {
    // Data: every user in several conversations, every conversation with some history and log.
    await raw.query('INSERT INTO users (id) SELECT g FROM generate_series(1, $1::int) g', [USERS]);
    await raw.query(
      `INSERT INTO conversations (user_lo, user_hi, last_seq)
       SELECT DISTINCT LEAST(a, b), GREATEST(a, b), $3::int FROM (
         SELECT (g % $1::int) + 1 AS a, ((g * 7 + g / $1::int) % $1::int) + 1 AS b FROM generate_series(1, $2::int) g) p
       WHERE a <> b ON CONFLICT DO NOTHING`,
      [USERS, CONVERSATIONS, MESSAGES_PER_CONVERSATION],
    );
    await raw.query(
      `INSERT INTO conversation_members (conversation_id, user_id, peer_id, last_activity_us)
       SELECT id, user_lo, user_hi, id * 1000 FROM conversations UNION ALL SELECT id, user_hi, user_lo, id * 1000 FROM conversations`,
    );
    await raw.query(
      `INSERT INTO messages (conversation_id, seq, sender_id, receiver_id, message_type, content, client_msg_id)
       SELECT c.id, s, CASE WHEN s % 2 = 0 THEN c.user_lo ELSE c.user_hi END, CASE WHEN s % 2 = 0 THEN c.user_hi ELSE c.user_lo END,
              'TEXT', 'message ' || s, c.id || '-' || s
       FROM conversations c, generate_series(1, $1::int) s`,
      [MESSAGES_PER_CONVERSATION],
    );
    await raw.query(`UPDATE conversations c SET last_message_id = m.id, last_message_at = m.created_at FROM messages m WHERE m.conversation_id = c.id AND m.seq = c.last_seq`);
    await raw.query(
      `INSERT INTO user_updates (user_id, user_seq, kind, message_id)
       SELECT u, row_number() OVER (PARTITION BY u ORDER BY id), 'message', id
       FROM (SELECT id, sender_id AS u FROM messages UNION ALL SELECT id, receiver_id FROM messages) e`,
    );
    await raw.query('UPDATE users u SET last_user_seq = l.n FROM (SELECT user_id, max(user_seq) AS n FROM user_updates GROUP BY user_id) l WHERE l.user_id = u.id');
    await raw.query(`INSERT INTO messages (conversation_id, seq, sender_id, receiver_id, message_type, content, extra)
      SELECT id, last_seq + 1, user_lo, user_hi, 'EXCHANGE_WECHAT_REQUEST', '', '{"exchangeStatus":"PENDING"}' FROM conversations WHERE id % 50 = 0`);
    await raw.query('UPDATE conversations SET last_seq = last_seq + 1 WHERE id % 50 = 0');
    // The heavy user: a conversation with each of the next users, one message each; then 5 pinned,
    // a tenth archived, a tenth cleared, and in a tenth the last message hidden for them.
    await raw.query(
      `WITH created AS (
         INSERT INTO conversations (user_lo, user_hi, last_seq) SELECT $1::int8, g, 1 FROM generate_series($1::int8 + 1, $1::int8 + $2::int8) g
         ON CONFLICT DO NOTHING RETURNING id, user_lo, user_hi
       ), members AS (
         INSERT INTO conversation_members (conversation_id, user_id, peer_id, last_activity_us, unread_count)
         SELECT id, user_lo, user_hi, id * 1000, 1 FROM created UNION ALL SELECT id, user_hi, user_lo, id * 1000, 0 FROM created
       )
       INSERT INTO messages (conversation_id, seq, sender_id, receiver_id, message_type, content) SELECT id, 1, user_hi, user_lo, 'TEXT', 'hello' FROM created`,
      [HEAVY_USER, HEAVY_CONVERSATIONS],
    );
    await raw.query(
      `UPDATE conversation_members m SET pinned_at = CASE WHEN m.conversation_id % 2000 = 0 THEN now() - (m.conversation_id % 7) * interval '1 hour' END,
         archived = m.conversation_id % 10 = 1, cleared_up_to_seq = CASE WHEN m.conversation_id % 10 = 2 THEN c.last_seq ELSE 0 END
       FROM conversations c WHERE c.id = m.conversation_id AND m.user_id = $1`,
      [HEAVY_USER],
    );
    await raw.query(
      `INSERT INTO hidden_messages (user_id, message_id)
       SELECT $1, x.id FROM conversation_members m JOIN conversations c ON c.id = m.conversation_id JOIN messages x ON x.conversation_id = c.id AND x.seq = c.last_seq
       WHERE m.user_id = $1 AND m.conversation_id % 10 = 3`,
      [HEAVY_USER],
    );
    await raw.exec('VACUUM ANALYZE');
    const [counts] = await raw.query<Record<string, number>>(
      'SELECT (SELECT count(*) FROM users) AS users, (SELECT count(*) FROM conversations) AS conversations, (SELECT count(*) FROM messages) AS messages, (SELECT count(*) FROM user_updates) AS user_updates',
    );

    const db = explaining(raw);
    const conversations = new PostgresConversationStore(db);
    const state = new PostgresConversationStateStore(db);
    const messages = new PostgresMessageStore(db);
    const updates = new PostgresUpdateLog(db);
    const [{ version }] = (await raw.query<{ version: string }>("SELECT current_setting('server_version') AS version")) as [{ version: string }];
    console.log(`Data: ${Object.entries(counts!).map(([k, v]) => `${Number(v).toLocaleString('en-US')} ${k}`).join(', ')}; PostgreSQL ${version}; after VACUUM ANALYZE.\n`);

    const user = 4242;
    const [first] = await raw.query<{ conversation_id: number; peer_id: number }>('SELECT conversation_id, peer_id FROM conversation_members WHERE user_id = $1 LIMIT 1', [user]);
    const conversationId = Number(first!.conversation_id);
    const peer = Number(first!.peer_id);

    capture = 'Conversation list, first page (GET /messages/conversations)';
    const page = await conversations.listSides(user, null, 21);
    capture = 'Conversation list, next page (`before` cursor)';
    await conversations.listSides(user, { activityUs: page[0]!.activityUs, id: page[0]!.id }, 21);
    capture = `Conversation list of a user with ${HEAVY_CONVERSATIONS.toLocaleString('en-US')} conversations (pinned first; archived, cleared and hidden among them)`;
    const heavyPage = await conversations.listSides(HEAVY_USER, null, 21);
    const lastOfPage = heavyPage[heavyPage.length - 1]!;
    capture = 'Conversation list of that user, a page behind the pinned ones (`before` cursor)';
    await conversations.listSides(HEAVY_USER, { pinnedAt: lastOfPage.pinnedAt, activityUs: lastOfPage.activityUs, id: lastOfPage.id }, 21);
    capture = 'Conversation list of that user, archived ones (`?archived=true`)';
    await conversations.listSides(HEAVY_USER, null, 21, { archived: true });
    capture = 'Unread total of that user (GET /messages/unread, and the list)';
    await state.unreadTotal(HEAVY_USER);
    capture = 'Conversation of a pair (history, typing)';
    await conversations.findByPair(user, peer);
    capture = 'History, latest page (GET /messages/history/{userId})';
    await messages.history(conversationId, user, { limit: 20 });
    capture = 'History, beforeSeq';
    await messages.history(conversationId, user, { beforeSeq: 10, limit: 20 });
    capture = 'History, afterSeq';
    await messages.history(conversationId, user, { afterSeq: 5, limit: 20 });
    capture = 'Sync since N (GET /sync)';
    await updates.since(user, 3, 100);
    capture = 'Pending exchange request of a pair and kind';
    await messages.requestExchange(50, (await raw.query<{ user_hi: number }>('SELECT user_hi FROM conversations WHERE user_lo = 50 LIMIT 1'))[0]!.user_hi, 'WECHAT').catch(() => {});
    capture = 'Send batch: dedup lookup of (sender, clientMsgId), user and block checks, conversation locks';
    await messages.appendBatch(
      Array.from({ length: 64 }, (_, i) => {
        const c = (i * 97) % 1000 + 1;
        return { senderId: c, receiverId: ((c * 7) % USERS) + 1, messageType: 'TEXT' as const, content: 'x', extra: null, clientMsgId: `${c}-explain-${i}` };
      }),
    );
    capture = 'Mark read: unread count above the mark';
    await messages.markRead(conversationId, user, 10);
    capture = null;
  } finally {
    await raw.close();
    await scratch.drop();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
