/**
 * `npx tsx bench/explain-queries.ts > plans.md`: fills a scratch PostgreSQL database
 * (PARLEY_BENCH_DATABASE_URL, default postgres://postgres@127.0.0.1:5432/test) with the data of
 * the scaling figures (bench/scaling-data.ts), then runs every query of the operations (docs/operations.md) through the real store classes while printing
 * `EXPLAIN (ANALYZE, BUFFERS)` of each SELECT they send, with the values they bind. The output
 * is what docs/storage.md shows.
 */
import { DEEP_MESSAGES, DEEP_PAIR, fillScalingData, HEAVY_CONVERSATIONS, HEAVY_USER, USERS } from './scaling-data.js';
import { createScratchDatabase } from './scratch-database.js';
import { openDatabase } from '../apps/server/src/storage/open-database.js';
import { PostgresConversationStateStore } from '../apps/server/src/storage/postgres-conversation-state-store.js';
import { PostgresConversationStore } from '../apps/server/src/storage/postgres-conversation-store.js';
import { PostgresMessageStore } from '../apps/server/src/storage/postgres-message-store.js';
import { PostgresUpdateLog } from '../apps/server/src/storage/postgres-update-log.js';
import type { SqlClient, SqlExecutor } from '../apps/server/src/storage/sql-client.js';

const SERVER_URL = process.env.PARLEY_BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

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
    const counts = await fillScalingData(raw);

    const db = explaining(raw);
    const conversations = new PostgresConversationStore(db);
    const state = new PostgresConversationStateStore(db);
    const messages = new PostgresMessageStore(db);
    const updates = new PostgresUpdateLog(db);
    const [{ version }] = (await raw.query<{ version: string }>("SELECT current_setting('server_version') AS version")) as [{ version: string }];
    console.log(`Data: ${Object.entries(counts).map(([k, v]) => `${Number(v).toLocaleString('en-US')} ${k}`).join(', ')}; PostgreSQL ${version}; after VACUUM ANALYZE.\n`);

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
    capture = `History of a conversation of ${DEEP_MESSAGES.toLocaleString('en-US')} messages, a page half-way back (beforeSeq)`;
    const deep = await conversations.findByPair(DEEP_PAIR[0], DEEP_PAIR[1]);
    await messages.history(deep!.id, DEEP_PAIR[0], { beforeSeq: DEEP_MESSAGES / 2, limit: 20 });
    capture = 'Sync since N (GET /sync)';
    await updates.since(user, 3, 100);
    capture = `Sync of a user with ${HEAVY_CONVERSATIONS.toLocaleString('en-US')} pending events, a page of 1,000 half-way through`;
    await updates.since(HEAVY_USER, HEAVY_CONVERSATIONS / 2, 1000);
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
