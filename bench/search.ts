/**
 * `npm run bench:search`: message search (`GET /messages/search`) over a million messages of
 * generated Chinese and English text, for a user with 10,000 of them, through the real search
 * store (`PostgresMessageSearch`) on a PostgreSQL server and on embedded PGlite. Prints, per
 * backend: the load time, the search index's build time and size, query p50/p99 for common,
 * rare and missing terms (two-character Chinese ones included), and the plan of a common and a
 * rare query.
 *
 * The rows are written by set-based SQL (generate_series), not through the API: the figures are
 * those of the search, not of the write path. The index is dropped before the load and built
 * afterwards, from the migration's own definition, so its build time is measured alone.
 *
 * PostgreSQL: a scratch database on PARLEY_BENCH_DATABASE_URL (default
 * postgres://postgres@127.0.0.1:5432/test), dropped afterwards. Knobs: BENCH_SEARCH_MESSAGES
 * (PostgreSQL, default 1,000,000), BENCH_SEARCH_PGLITE_MESSAGES (default 200,000: PGlite runs
 * in this process on one core, and generating a million rows there takes a quarter of an hour), BENCH_SEARCH_ROUNDS (queries per term, default 200),
 * BENCH_SEARCH_ONLY=postgres|pglite, BENCH_SEARCH_COMPARE_TRGM=1 (PostgreSQL: also build the
 * pg_trgm alternative — a GIN index over (sender_id, receiver_id, content gin_trgm_ops) with
 * btree_gin — and time the same terms with ILIKE, as docs/performance.md compares them).
 */
import { latencies, timed } from './latencies.js';
import { createScratchDatabase } from './scratch-database.js';
import { openDatabase } from '../apps/server/src/storage/open-database.js';
import { PostgresMessageSearch, RECENT_SEARCH_SQL, RECENT_WALK_ROWS, SEARCH_SQL } from '../apps/server/src/storage/postgres-message-search.js';
import type { SqlClient } from '../apps/server/src/storage/sql-client.js';

const SERVER_URL = process.env.PARLEY_BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const POSTGRES_MESSAGES = Number(process.env.BENCH_SEARCH_MESSAGES ?? 1_000_000);
const PGLITE_MESSAGES = Number(process.env.BENCH_SEARCH_PGLITE_MESSAGES ?? 200_000);
const ROUNDS = Number(process.env.BENCH_SEARCH_ROUNDS ?? 200);
const ONLY = process.env.BENCH_SEARCH_ONLY ?? null;
const COMPARE_TRGM = process.env.BENCH_SEARCH_COMPARE_TRGM === '1';

/** The searching user: 50 conversations of 200 messages each. */
const SEARCHER = 1;
const SEARCHER_PEERS = 50;
const SEARCHER_MESSAGES_PER_PEER = 200;
/** Everyone else: conversations of 20 messages among 9,000 users. */
const OTHER_MESSAGES_PER_CONVERSATION = 20;
const OTHER_USERS = 9000;

// Word lists for the generated text. Words are drawn with a skewed distribution (the first ones
// often, the last ones seldom), and two words are planted in about one message in 2,000 only.
const ZH_WORDS = (
  '信号 我们 今天 晚上 一起 吃饭 好的 没有 时间 明天 周末 电影 喜欢 可以 什么 知道 工作 朋友 已经 觉得 ' +
  '真的 还是 因为 所以 但是 这个 那个 地方 觉得 哈哈 谢谢 不好意思 下班 上班 地铁 咖啡 奶茶 火锅 天气 下雨 ' +
  '出差 北京 上海 深圳 杭州 成都 照片 视频 手机 电脑 网络 游戏 音乐 唱歌 跑步 健身 旅游 机场 酒店 生日 ' +
  '礼物 蛋糕 周一 周五 早上 中午 下午 睡觉 起床 周末愉快 加班 老板 同事 会议 项目 方案 预算 客户 合同 ' +
  '医院 感冒 发烧 吃药 休息 猫咪 小狗 公园 散步 书店 图书 小说 作者 电视剧 综艺 比赛 足球 篮球 队友 加油'
).split(' ');
const EN_WORDS = (
  'the you and to hello it is for meet tonight see later thanks dinner movie weekend coffee work office ' +
  'meeting project budget client signal phone call message photo video music game train station airport hotel ' +
  'birthday gift cake morning evening sleep running gym travel weather rain sunny cloudy city park book novel ' +
  'series match football basketball team happy sorry great awesome maybe tomorrow yesterday today week month ' +
  'lunch breakfast tea pizza sushi noodles burger salad friend family brother sister cat dog walk home'
).split(' ');
const RARE_ZH = '蓝鲸';
const RARE_EN = 'zephyr';

const TERMS: { label: string; q: string }[] = [
  { label: 'common zh, 2 chars', q: '信号' },
  { label: 'mid zh, 2 chars', q: '火锅' },
  { label: 'common zh, 4 chars', q: '不好意思' },
  { label: 'zh phrase across words', q: '没有时间' },
  { label: 'rare zh, 2 chars', q: RARE_ZH },
  { label: 'common en', q: 'hello' },
  { label: 'common en, 2 chars', q: 'ok' },
  { label: 'rare en', q: RARE_EN },
  { label: 'missing', q: '火山口' },
];

interface TermResult {
  label: string;
  q: string;
  hits: number;
  p50: number;
  p99: number;
  /** The GIN index alone (the search before the recent walk), timed in the same run. */
  indexOnly?: { p50: number; p99: number };
}

interface BackendResult {
  backend: string;
  messages: number;
  loadSeconds: number;
  index: { buildSeconds: number; bytes: number };
  tableBytes: number;
  terms: TermResult[];
  peerAndPage: { label: string; p50: number; p99: number }[];
  plans: { label: string; plan: string }[];
  trgm?: { buildSeconds: number; bytes: number; terms: TermResult[]; plan: string };
}

const ms = (n: number) => `${n.toFixed(2)} ms`;
const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;

/**
 * Fills the schema with `total` messages: the searcher's 10,000 and the rest among other users,
 * every conversation progressing at the same pace (each from its own offset) so the searcher's
 * rows are spread over the whole table, one or two to a page, as in a real one.
 */
async function load(db: SqlClient, total: number): Promise<void> {
  const otherConversations = Math.max(0, Math.floor((total - SEARCHER_PEERS * SEARCHER_MESSAGES_PER_PEER) / OTHER_MESSAGES_PER_CONVERSATION));
  const otherUserCount = OTHER_USERS + Math.ceil(otherConversations / OTHER_USERS) + 1;
  await db.exec(`
    CREATE FUNCTION bench_rand(n bigint, k int) RETURNS float8 LANGUAGE sql IMMUTABLE AS
      $fn$ SELECT (hashint8(n * 131 + k) & 2147483647)::float8 / 2147483648 $fn$;
    CREATE FUNCTION bench_words(n bigint, words text[], sep text) RETURNS text LANGUAGE sql IMMUTABLE AS
      $fn$ SELECT array_to_string(ARRAY(
             SELECT words[1 + floor(power(bench_rand(n, k), 2) * cardinality(words))::int] FROM generate_series(1, 3 + (n % 7)::int) AS k), sep) $fn$;`);
  await db.query(
    `CREATE FUNCTION bench_text(n bigint) RETURNS text LANGUAGE sql IMMUTABLE AS
       $fn$ SELECT CASE WHEN n % 3 = 0
                     THEN bench_words(n, ${sqlArray(EN_WORDS)}, ' ') || CASE WHEN bench_rand(n, 99) < 0.0005 THEN ' ${RARE_EN}' ELSE '' END
                     ELSE bench_words(n, ${sqlArray(ZH_WORDS)}, '') || CASE WHEN bench_rand(n, 99) < 0.0005 THEN '${RARE_ZH}' ELSE '' END
                   END $fn$`,
  );
  await db.query('INSERT INTO users (id) SELECT g FROM generate_series(1, $1::int) AS g', [otherUserCount + 1]);
  // The searcher with users 2..51; everyone else in pairs (a, a + d), all distinct, never user 1.
  await db.query(
    `INSERT INTO conversations (user_lo, user_hi, last_seq)
     SELECT 1, 1 + p, $1::int FROM generate_series(1, $2::int) AS p
     UNION ALL
     SELECT 2 + g % $4::int, 2 + g % $4::int + 1 + g / $4::int, $5::int FROM generate_series(0, $3::int - 1) AS g`,
    [SEARCHER_MESSAGES_PER_PEER, SEARCHER_PEERS, otherConversations, OTHER_USERS, OTHER_MESSAGES_PER_CONVERSATION],
  );
  await db.query(
    `INSERT INTO conversation_members (conversation_id, user_id, peer_id, last_activity_us)
     SELECT id, user_lo, user_hi, id FROM conversations UNION ALL SELECT id, user_hi, user_lo, id FROM conversations`,
  );
  await db.query(
    `INSERT INTO messages (conversation_id, seq, sender_id, receiver_id, message_type, content, created_at)
     SELECT c.id, s, CASE WHEN s % 2 = 0 THEN c.user_lo ELSE c.user_hi END, CASE WHEN s % 2 = 0 THEN c.user_hi ELSE c.user_lo END,
            'TEXT', bench_text(c.id * 1000 + s), now() - make_interval(secs => c.last_seq - s)
     FROM conversations c CROSS JOIN LATERAL generate_series(1, c.last_seq) AS s
     ORDER BY (s + (hashint8(c.id) & 1023)::float8 / 1024) / c.last_seq, c.id`,
  );
  await db.query(
    `UPDATE conversations c SET last_message_id = last.id, last_message_at = now()
     FROM (SELECT conversation_id, max(id) AS id FROM messages GROUP BY conversation_id) AS last WHERE last.conversation_id = c.id`,
  );
  await db.query('ANALYZE');
}

function sqlArray(words: string[]): string {
  return `ARRAY[${words.map((w) => `'${w.replace(/'/g, "''")}'`).join(', ')}]`;
}

async function indexDefinition(db: SqlClient, name: string): Promise<string> {
  const [row] = await db.query<{ indexdef: string }>('SELECT indexdef FROM pg_indexes WHERE indexname = $1', [name]);
  if (!row) throw new Error(`index ${name} not found`);
  return row.indexdef;
}

async function relationBytes(db: SqlClient, name: string): Promise<number> {
  const [row] = await db.query<{ bytes: string | number }>('SELECT pg_total_relation_size($1::regclass) AS bytes', [name]);
  return Number(row!.bytes);
}

async function plan(db: SqlClient, sql: string, params: unknown[]): Promise<string> {
  const rows = await db.query<{ 'QUERY PLAN': string }>(`EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) ${sql}`, params);
  return rows.map((r) => r['QUERY PLAN']).join('\n');
}

async function measure(backend: string, db: SqlClient, messages: number): Promise<BackendResult> {
  const definition = await indexDefinition(db, 'messages_search');
  await db.query('DROP INDEX messages_search');
  const loadMs = await timed(() => load(db, messages));
  const [{ n: stored } = { n: 0 }] = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM messages');
  console.error(`${backend}: ${stored} messages loaded in ${(loadMs / 1000).toFixed(1)} s; building the search index`);
  const buildMs = await timed(() => db.query(definition));
  await db.query('ANALYZE');
  const index = { buildSeconds: buildMs / 1000, bytes: await relationBytes(db, 'messages_search') };
  const tableBytes = await relationBytes(db, 'messages');

  const search = new PostgresMessageSearch(db);
  const terms: TermResult[] = [];
  for (const { label, q } of TERMS) {
    const [{ n: hits } = { n: 0 }] = await db.query<{ n: number }>(
      // LIMIT NULL is no limit: every match of the searcher.
      `SELECT count(*)::int AS n FROM (${SEARCH_SQL}) AS found`,
      [SEARCHER, SEARCHER, q, null, null],
    );
    const { p50, p99 } = await latencies(ROUNDS, Math.min(10, ROUNDS), () => search.search({ userId: SEARCHER, text: q, peerId: null, beforeId: null, limit: 21 }));
    const indexOnly = await latencies(ROUNDS, Math.min(10, ROUNDS), () => db.query(SEARCH_SQL, [SEARCHER, SEARCHER, q, null, 21]));
    terms.push({ label, q, hits, p50, p99, indexOnly });
    console.error(`${backend}: ${label} (${q}): ${hits} hits, p50 ${ms(p50)}, p99 ${ms(p99)}; index only p50 ${ms(indexOnly.p50)}, p99 ${ms(indexOnly.p99)}`);
  }

  const firstPage = await search.search({ userId: SEARCHER, text: '信号', peerId: null, beforeId: null, limit: 20 });
  const before = firstPage[firstPage.length - 1]?.message.id ?? null;
  const peerAndPage = [
    { label: 'common zh, one peer', ...(await latencies(ROUNDS, Math.min(10, ROUNDS), () => search.search({ userId: SEARCHER, text: '信号', peerId: SEARCHER + 1, beforeId: null, limit: 20 }))) },
    { label: 'common zh, second page', ...(await latencies(ROUNDS, Math.min(10, ROUNDS), () => search.search({ userId: SEARCHER, text: '信号', peerId: null, beforeId: before, limit: 20 }))) },
  ];
  const plans = [
    { label: 'common zh, 2 chars (信号)', plan: await plan(db, SEARCH_SQL, [SEARCHER, SEARCHER, '信号', null, 21]) },
    { label: 'rare en (zephyr)', plan: await plan(db, SEARCH_SQL, [SEARCHER, SEARCHER, RARE_EN, null, 21]) },
    { label: 'recent walk, common zh (信号)', plan: await plan(db, RECENT_SEARCH_SQL, [SEARCHER, '信号', null, 21, RECENT_WALK_ROWS]) },
    { label: 'recent walk, rare en (zephyr), page not filled', plan: await plan(db, RECENT_SEARCH_SQL, [SEARCHER, RARE_EN, null, 21, RECENT_WALK_ROWS]) },
  ];
  const result: BackendResult = { backend, messages: stored, loadSeconds: loadMs / 1000, index, tableBytes, terms, peerAndPage, plans };
  if (COMPARE_TRGM && db.kind === 'postgres') result.trgm = await measureTrgm(db);
  return result;
}

/** The pg_trgm alternative on the same rows: what the bigram index was chosen over. */
async function measureTrgm(db: SqlClient): Promise<NonNullable<BackendResult['trgm']>> {
  await db.exec('CREATE EXTENSION IF NOT EXISTS pg_trgm; CREATE EXTENSION IF NOT EXISTS btree_gin');
  const buildMs = await timed(() =>
    db.query(
      `CREATE INDEX messages_trgm ON messages USING gin (sender_id, receiver_id, content gin_trgm_ops)
       WHERE message_type IN ('TEXT', 'CUSTOM') AND status = 'NORMAL'`,
    ),
  );
  await db.query('ANALYZE messages');
  const bytes = await relationBytes(db, 'messages_trgm');
  const sql = `SELECT m.id FROM messages m
     WHERE (m.sender_id = $1 OR m.receiver_id = $1) AND m.content ILIKE $2
       AND m.message_type IN ('TEXT', 'CUSTOM') AND m.status = 'NORMAL'
     ORDER BY m.id DESC LIMIT 21`;
  const pattern = (q: string) => `%${q}%`;
  const terms: TermResult[] = [];
  // The bigram index answers these queries too; it is dropped meanwhile so the planner has only pg_trgm.
  const bigramDefinition = await indexDefinition(db, 'messages_search');
  await db.query('DROP INDEX messages_search');
  try {
    for (const { label, q } of TERMS) {
      const [{ n: hits } = { n: 0 }] = await db.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM messages m WHERE (m.sender_id = $1 OR m.receiver_id = $1) AND m.content ILIKE $2 AND m.message_type IN ('TEXT', 'CUSTOM') AND m.status = 'NORMAL'`,
        [SEARCHER, pattern(q)],
      );
      const { p50, p99 } = await latencies(ROUNDS, Math.min(10, ROUNDS), () => db.query(sql, [SEARCHER, pattern(q)]));
      terms.push({ label, q, hits, p50, p99 });
      console.error(`postgres pg_trgm: ${label} (${q}): ${hits} hits, p50 ${ms(p50)}, p99 ${ms(p99)}`);
    }
    return { buildSeconds: buildMs / 1000, bytes, terms, plan: await plan(db, sql, [SEARCHER, pattern('信号')]) };
  } finally {
    await db.query('DROP INDEX messages_trgm');
    await db.query(bigramDefinition);
  }
}

function report(result: BackendResult): void {
  const perMillion = 1_000_000 / result.messages;
  console.log(`\n## ${result.backend}: ${result.messages.toLocaleString('en')} messages, searcher with 10,000\n`);
  console.log(`- load (set-based SQL): ${result.loadSeconds.toFixed(1)} s; messages table with its indexes ${mb(result.tableBytes)}`);
  console.log(
    `- search index: built in ${result.index.buildSeconds.toFixed(1)} s, ${mb(result.index.bytes)} ` +
      `(per million messages: ${(result.index.buildSeconds * perMillion).toFixed(1)} s, ${mb(result.index.bytes * perMillion)})`,
  );
  console.log(`\n| query | q | searcher's matches | p50 | p99 | index only p50 | index only p99 |\n| --- | --- | ---: | ---: | ---: | ---: | ---: |`);
  for (const t of result.terms) {
    console.log(`| ${t.label} | \`${t.q}\` | ${t.hits} | ${ms(t.p50)} | ${ms(t.p99)} | ${t.indexOnly ? ms(t.indexOnly.p50) : ''} | ${t.indexOnly ? ms(t.indexOnly.p99) : ''} |`);
  }
  for (const t of result.peerAndPage) console.log(`| ${t.label} | \`信号\` | | ${ms(t.p50)} | ${ms(t.p99)} |`);
  for (const p of result.plans) console.log(`\n### plan: ${p.label}\n\n\`\`\`\n${p.plan}\n\`\`\``);
  if (result.trgm) {
    const t = result.trgm;
    console.log(
      `\n### pg_trgm alternative: built in ${t.buildSeconds.toFixed(1)} s, ${mb(t.bytes)}\n\n| query | q | matches | p50 | p99 |\n| --- | --- | ---: | ---: | ---: |`,
    );
    for (const term of t.terms) console.log(`| ${term.label} | \`${term.q}\` | ${term.hits} | ${ms(term.p50)} | ${ms(term.p99)} |`);
    console.log(`\nplan (信号):\n\n\`\`\`\n${t.plan}\n\`\`\``);
  }
}

async function onPostgres(): Promise<BackendResult> {
  const scratch = await createScratchDatabase(SERVER_URL, 'search');
  try {
    const db = await openDatabase({ databaseUrl: scratch.url, dataDir: 'memory://' });
    try {
      return await measure('PostgreSQL', db, POSTGRES_MESSAGES);
    } finally {
      await db.close();
    }
  } finally {
    await scratch.drop();
  }
}

async function onPglite(): Promise<BackendResult> {
  const db = await openDatabase({ databaseUrl: null, dataDir: 'memory://' });
  try {
    return await measure('PGlite (in memory)', db, PGLITE_MESSAGES);
  } finally {
    await db.close();
  }
}

async function main(): Promise<void> {
  if (ONLY !== 'pglite') report(await onPostgres());
  if (ONLY !== 'postgres') report(await onPglite());
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
