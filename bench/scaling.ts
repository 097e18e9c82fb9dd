/**
 * `npm run bench:scaling`: the reads that grow with the data, through the real REST door of a
 * Parley server process on PostgreSQL, one request at a time (latency, not throughput):
 *
 * - a history page with a million messages in the table: a conversation of 20 messages, and one of
 *   100,000 (its latest page and pages at random depths);
 * - the conversation list of an ordinary user and of one with 10,000 conversations (first page,
 *   later pages, the archived ones) and their unread total;
 * - `/sync` of a user with 10,000 pending events, drained page by page with the default and the
 *   largest page size.
 *
 * The data (bench/scaling-data.ts) is written by set-based SQL into a scratch database on
 * PARLEY_BENCH_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/test), dropped afterwards;
 * the plans of these queries on the same data are in docs/storage.md (bench/explain-queries.ts).
 * BENCH_SCALING_ROUNDS: requests per figure (default 300, after 20 unmeasured).
 */
import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { openDatabase } from '../apps/server/src/storage/open-database.js';
import { latencies, quantiles } from './latencies.js';
import { startServer } from './processes.js';
import { DEEP_MESSAGES, DEEP_PAIR, fillScalingData, HEAVY_CONVERSATIONS, HEAVY_USER } from './scaling-data.js';
import { createScratchDatabase } from './scratch-database.js';
import { DEFAULT_DATABASE_URL, describeMachine, parleyEnv } from './targets.js';
import { signTokens } from './tokens.js';

const ROUNDS = Number(process.env.BENCH_SCALING_ROUNDS ?? 300);
const WARMUP = 20;
const DRAINS = 10;
const ORDINARY_USERS = 200;

interface Figure {
  label: string;
  p50: number;
  p99: number;
  note?: string;
}

const secret = randomBytes(24).toString('hex');
const scratch = await createScratchDatabase(process.env.PARLEY_BENCH_DATABASE_URL ?? DEFAULT_DATABASE_URL, 'scaling');
try {
  const loadStarted = performance.now();
  const db = await openDatabase({ databaseUrl: scratch.url, dataDir: 'memory://' });
  let counts: Record<string, number>;
  let pairs: { user: number; peer: number }[];
  try {
    counts = await fillScalingData(db);
    // Ordinary users and one peer of theirs, spread over the id range.
    pairs = (
      await db.query<{ user_id: number; peer_id: number }>(
        `SELECT DISTINCT ON (user_id) user_id, peer_id FROM conversation_members
         WHERE user_id % $1 = 7 AND user_id NOT IN ($2, $3, $4) ORDER BY user_id, conversation_id LIMIT $5`,
        [100, HEAVY_USER, DEEP_PAIR[0], DEEP_PAIR[1], ORDINARY_USERS],
      )
    ).map((r) => ({ user: Number(r.user_id), peer: Number(r.peer_id) }));
  } finally {
    await db.close();
  }
  console.error(`[scaling] data loaded in ${((performance.now() - loadStarted) / 1000).toFixed(0)} s: ${JSON.stringify(counts)}`);

  const server = await startServer('parley', parleyEnv(secret, { DATABASE_URL: scratch.url }));
  try {
    const tokens = await signTokens(secret, [HEAVY_USER, ...DEEP_PAIR, ...pairs.map((p) => p.user)]);
    const get = async <T>(user: number, path: string): Promise<T> => {
      const response = await fetch(`${server.url}${path}`, { headers: { authorization: `Bearer ${tokens.get(user)}` } });
      if (!response.ok) throw new Error(`GET ${path} as ${user}: ${response.status} ${await response.text()}`);
      return (await response.json()) as T;
    };
    const pick = <T>(items: readonly T[]): T => items[Math.floor(Math.random() * items.length)]!;
    const figures: Figure[] = [];
    const time = async (label: string, request: () => Promise<unknown>, note?: string) => {
      figures.push({ label, ...(await latencies(ROUNDS, WARMUP, request)), ...(note ? { note } : {}) });
      console.error(`[scaling] ${label}: done`);
    };

    await time('history, latest page, conversation of 20 messages', () => {
      const { user, peer } = pick(pairs);
      return get(user, `/messages/history/${peer}?limit=20`);
    });
    await time(`history, latest page, conversation of ${DEEP_MESSAGES.toLocaleString('en')} messages`, () => get(DEEP_PAIR[0], `/messages/history/${DEEP_PAIR[1]}?limit=20`));
    await time(`history, a page at a random depth of that conversation (beforeSeq)`, () =>
      get(DEEP_PAIR[0], `/messages/history/${DEEP_PAIR[1]}?limit=20&beforeSeq=${1 + Math.ceil(Math.random() * DEEP_MESSAGES)}`),
    );
    await time('conversation list, first page, an ordinary user (about 5 conversations)', () => {
      const { user } = pick(pairs);
      return get(user, '/messages/conversations?limit=20');
    });
    const heavy = HEAVY_CONVERSATIONS.toLocaleString('en');
    await time(`conversation list, first page, a user with ${heavy} conversations`, () => get(HEAVY_USER, '/messages/conversations?limit=20'));
    // Every cursor of that user's list, to time pages at random depths.
    const cursors: string[] = [];
    for (let before: string | null = null; ; ) {
      const page: { nextBefore: string | null } = await get(HEAVY_USER, `/messages/conversations?limit=20${before ? `&before=${before}` : ''}`);
      if (!page.nextBefore) break;
      cursors.push((before = page.nextBefore));
    }
    await time(`conversation list, a page at a random depth (before cursor; ${cursors.length + 1} pages)`, () =>
      get(HEAVY_USER, `/messages/conversations?limit=20&before=${pick(cursors)}`),
    );
    await time('conversation list, archived ones (archived=true)', () => get(HEAVY_USER, '/messages/conversations?limit=20&archived=true'));
    await time(`unread total of that user (GET /messages/unread)`, () => get(HEAVY_USER, '/messages/unread'));

    for (const limit of [100, 1000]) {
      const pages: number[] = [];
      const drains: number[] = [];
      for (let round = 0; round < DRAINS + 1; round++) {
        const started = performance.now();
        let events = 0;
        for (let since = 0, more = true; more; ) {
          const pageStarted = performance.now();
          const page: { events: { userSeq: number }[]; userSeq: number; hasMore: boolean } = await get(HEAVY_USER, `/sync?since=${since}&limit=${limit}`);
          if (round > 0) pages.push(performance.now() - pageStarted);
          events += page.events.length;
          // As the SDK pages: on from the last event while there is more.
          more = page.hasMore && page.events.length > 0;
          since = more ? page.events[page.events.length - 1]!.userSeq : page.userSeq;
        }
        if (events !== HEAVY_CONVERSATIONS) throw new Error(`/sync returned ${events} events, expected ${HEAVY_CONVERSATIONS}`);
        // The first drain warms the caches and is not counted.
        if (round > 0) drains.push(performance.now() - started);
      }
      const page = quantiles(pages);
      const drain = quantiles(drains);
      figures.push({
        label: `/sync of ${heavy} pending events, pages of ${limit.toLocaleString('en')}: one page`,
        ...page,
        note: `whole resync ${drain.p50.toFixed(0)} ms (median of ${DRAINS}), ${HEAVY_CONVERSATIONS / limit} pages`,
      });
      console.error(`[scaling] /sync, pages of ${limit}: done`);
    }

    console.log(`\nParley scaling — ${describeMachine()}; PostgreSQL; ${Object.entries(counts).map(([k, v]) => `${v.toLocaleString('en')} ${k}`).join(', ')}`);
    console.log(`One request at a time through REST; ${ROUNDS} requests per figure after ${WARMUP} unmeasured.\n`);
    console.log('| read | p50 | p99 | |');
    console.log('| --- | ---: | ---: | --- |');
    for (const f of figures) console.log(`| ${f.label} | ${f.p50.toFixed(2)} ms | ${f.p99.toFixed(2)} ms | ${f.note ?? ''} |`);
  } finally {
    await server.stop();
  }
} finally {
  await scratch.drop();
}
process.exit(0);
