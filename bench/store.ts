/**
 * `npm run bench:store`: durable sends per second through the domain (MessagingService → its
 * SendQueue → PostgresMessageStore.appendBatch) into a real PostgreSQL server, batched (the
 * production queue) versus one transaction per message, and into embedded PGlite.
 *
 * PostgreSQL: a scratch database on PARLEY_BENCH_DATABASE_URL (default
 * postgres://postgres@127.0.0.1:5432/test), created for each run and dropped afterwards.
 * Knobs: BENCH_MESSAGES (batched run size), BENCH_PRODUCERS (concurrent senders), BENCH_USERS,
 * BENCH_ONLY=batched (skip the slower runs, for profiling), BENCH_OUTBOX=on (below),
 * BENCH_DROP_INDEXES=name,name (PostgreSQL: drop these indexes first, to see what each costs a send);
 * the batching follows the server's PARLEY_WRITE_BATCH_MAX and PARLEY_WRITE_CONCURRENCY.
 *
 * Then, on PostgreSQL, the latency of one batch by its size: one caller, one `appendBatch` at a
 * time (the statement and its commit), beside a `SELECT 1` round trip — the floor a lone message
 * pays at low load, whatever the batching (BENCH_ONLY=latency runs only this).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import pino from 'pino';
import { latencies } from './latencies.js';
import { createScratchDatabase } from './scratch-database.js';
import { loadConfig } from '../apps/server/src/config.js';
import { createRealtimeBackends } from '../apps/server/src/realtime/realtime-backends.js';
import { systemClock } from '../apps/server/src/ports/clock.js';
import { DeliveryService } from '../apps/server/src/services/delivery-service.js';
import { MessagePublisher } from '../apps/server/src/services/message-publisher.js';
import { MessagingService } from '../apps/server/src/services/messaging-service.js';
import { SendBudget } from '../apps/server/src/services/send-budget.js';
import { SessionRegistry } from '../apps/server/src/services/session-registry.js';
import { MemoryBlobStore } from '../apps/server/src/storage/blob-store.js';
import { openDatabase } from '../apps/server/src/storage/open-database.js';
import { PostgresConversationStore } from '../apps/server/src/storage/postgres-conversation-store.js';
import { PostgresMediaStore } from '../apps/server/src/storage/postgres-media-store.js';
import { PostgresMessageStore } from '../apps/server/src/storage/postgres-message-store.js';
import { OutboxEventWriter } from '../apps/server/src/storage/outbox-events.js';
import { PostgresUserSettingsStore } from '../apps/server/src/storage/postgres-user-settings-store.js';
import { PostgresUserStore } from '../apps/server/src/storage/postgres-user-store.js';
import type { SqlClient } from '../apps/server/src/storage/sql-client.js';

/**
 * BENCH_OUTBOX=on: the outbox as a deployment with a notification channel and event webhooks has
 * it — nobody is connected, so every send also writes (or joins) a notification and a
 * `message.created` event, in the batch's own statement. `notifications` or `events`: one of the two.
 */
const OUTBOX_MODE = process.env.BENCH_OUTBOX ?? 'off';
const OUTBOX = OUTBOX_MODE !== 'off';
const OUTBOX_NOTIFICATIONS = OUTBOX_MODE === 'on' || OUTBOX_MODE === 'notifications';
const OUTBOX_EVENTS = OUTBOX_MODE === 'on' || OUTBOX_MODE === 'events';
const SERVER_URL = process.env.PARLEY_BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const MESSAGES = Number(process.env.BENCH_MESSAGES ?? 60_000);
const PRODUCERS = Number(process.env.BENCH_PRODUCERS ?? 1024);
const USERS = Number(process.env.BENCH_USERS ?? 2000);
const DROPPED_INDEXES = (process.env.BENCH_DROP_INDEXES ?? '').split(',').filter(Boolean);
const CONVERSATIONS = USERS * 2;
/** The batching the server runs with by default (PARLEY_WRITE_BATCH_MAX / PARLEY_WRITE_CONCURRENCY). */
const PRODUCTION_BATCH = (() => {
  // The server's settings, so that PARLEY_WRITE_BATCH_MAX / PARLEY_WRITE_CONCURRENCY can be tried here too.
  const { PARLEY_WRITE_BATCH_MAX, PARLEY_WRITE_CONCURRENCY } = process.env;
  const config = loadConfig({ PARLEY_DATA_DIR: 'memory://', ...(PARLEY_WRITE_BATCH_MAX ? { PARLEY_WRITE_BATCH_MAX } : {}), ...(PARLEY_WRITE_CONCURRENCY ? { PARLEY_WRITE_CONCURRENCY } : {}) });
  return { maxBatch: config.writeBatchMax, concurrency: config.writeConcurrency };
})();

interface Result {
  name: string;
  messages: number;
  seconds: number;
  perSecond: number;
}

async function withScratchDatabase<T>(work: (url: string) => Promise<T>): Promise<T> {
  const database = await createScratchDatabase(SERVER_URL);
  try {
    return await work(database.url);
  } finally {
    await database.drop();
  }
}

/** The messaging service as the app wires it, on in-process realtime backends with no rate limit in the way. */
async function messagingOn(db: SqlClient, batch: { maxBatch: number; concurrency: number }) {
  const config = loadConfig({ PARLEY_DATA_DIR: 'memory://', PARLEY_SEND_RATE: '1000000000', PARLEY_SEND_BURST: '1000000', LOG_LEVEL: 'silent' });
  const realtime = await createRealtimeBackends(config, pino({ level: config.logLevel }));
  const users = new PostgresUserStore(db);
  const delivery = new DeliveryService(realtime.bus, new SessionRegistry());
  const service = new MessagingService({
    messages: new PostgresMessageStore(db, undefined, OUTBOX ? { notifications: OUTBOX_NOTIFICATIONS, coalesceMs: 2000, events: new OutboxEventWriter(new Set(OUTBOX_EVENTS ? ['message.created'] : [])) } : undefined),
    ...(OUTBOX ? { offlineReach: { presence: realtime.presence, onLookupFailed: (error: unknown) => console.error(error) } } : {}),
    settings: new PostgresUserSettingsStore(db),
    conversations: new PostgresConversationStore(db),
    media: new PostgresMediaStore(db, new MemoryBlobStore()),
    budget: new SendBudget(realtime.sendLimiter),
    publisher: new MessagePublisher(delivery),
    delivery,
    clock: systemClock,
    mediaUrl: (key) => `/media/${key}`,
    batch,
  });
  return { service, users, close: () => realtime.close() };
}

/** The conversation of pair i: user i with user i + k, spread so that each user has several. */
function pair(i: number): [number, number] {
  const a = (i % USERS) + 1;
  const b = ((i + 1 + Math.floor(i / USERS) * 7) % USERS) + 1;
  return a === b ? [a, (b % USERS) + 1] : [a, b];
}

async function run(name: string, db: SqlClient, batch: { maxBatch: number; concurrency: number }, messages: number): Promise<Result> {
  const { service, users, close } = await messagingOn(db, batch);
  try {
    await db.query('INSERT INTO users (id) SELECT g FROM generate_series(1, $1::int) g ON CONFLICT DO NOTHING', [USERS]);
    // Warm-up (not measured): creates every conversation and warms caches and JIT.
    let warm = 0;
    await Promise.all(
      Array.from({ length: Math.min(PRODUCERS, 256) }, async () => {
        while (warm < CONVERSATIONS) {
          const [from, to] = pair(warm++);
          await service.send(from, { receiverId: to, messageType: 'TEXT', content: 'warm-up', clientMsgId: null });
        }
      }),
    );
    const seqBefore = await users.latestUserSeq(1);

    let next = 0;
    const started = process.hrtime.bigint();
    await Promise.all(
      Array.from({ length: PRODUCERS }, async (_, producer) => {
        while (next < messages) {
          const i = next++;
          const [a, b] = pair((i * 7919) % CONVERSATIONS);
          const [from, to] = i % 2 ? [a, b] : [b, a];
          await service.send(from, { receiverId: to, messageType: 'TEXT', content: `message ${i} from producer ${producer}`, clientMsgId: `${producer}-${i}` });
        }
      }),
    );
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;

    // Sanity: everything was stored once and the logs advanced.
    const [{ n }] = (await db.query<{ n: number }>('SELECT count(*)::int AS n FROM messages')) as [{ n: number }];
    if (Number(n) !== CONVERSATIONS + messages) throw new Error(`${name}: expected ${CONVERSATIONS + messages} messages, found ${n}`);
    if ((await users.latestUserSeq(1)) <= seqBefore) throw new Error(`${name}: the update log did not advance`);
    return { name, messages, seconds, perSecond: messages / seconds };
  } finally {
    await close();
  }
}

async function onPostgres(name: string, batch: { maxBatch: number; concurrency: number }, messages: number): Promise<Result> {
  return withScratchDatabase(async (url) => {
    const db = await openDatabase({ databaseUrl: url, dataDir: 'memory://' });
    try {
      for (const index of DROPPED_INDEXES) await db.query(`DROP INDEX ${pg.escapeIdentifier(index)}`);
      return await run(name, db, batch, messages);
    } finally {
      await db.close();
    }
  });
}

async function onPglite(name: string, messages: number): Promise<Result> {
  const dir = await mkdtemp(join(tmpdir(), 'parley-bench-'));
  const db = await openDatabase({ databaseUrl: null, dataDir: dir });
  try {
    return await run(name, db, PRODUCTION_BATCH, messages);
  } finally {
    await db.close();
    await rm(dir, { recursive: true, force: true });
  }
}

function print(results: Result[]): void {
  const width = Math.max(...results.map((r) => r.name.length));
  for (const r of results) {
    console.log(`${r.name.padEnd(width)}  ${String(r.messages).padStart(7)} msgs  ${r.seconds.toFixed(2).padStart(6)} s  ${Math.round(r.perSecond).toLocaleString('en-US').padStart(8)} sends/s`);
  }
}

async function main(): Promise<void> {
  const pgSettings = new pg.Client({ connectionString: SERVER_URL });
  await pgSettings.connect();
  const settings = await pgSettings.query<{ name: string; setting: string }>(
    "SELECT name, setting FROM pg_settings WHERE name IN ('fsync', 'synchronous_commit', 'server_version', 'shared_buffers', 'wal_level')",
  );
  await pgSettings.end();
  console.log(`PostgreSQL: ${settings.rows.map((r) => `${r.name}=${r.setting}`).join(' ')}`);
  console.log(`users=${USERS} conversations=${CONVERSATIONS} producers=${PRODUCERS} (each awaits its send, then sends the next) outbox=${OUTBOX_MODE}${DROPPED_INDEXES.length ? ` without=${DROPPED_INDEXES.join(',')}` : ''}\n`);

  if (process.env.BENCH_ONLY === 'latency') return batchLatencies();
  const batched = await onPostgres(`PostgreSQL, batched (SendQueue ${PRODUCTION_BATCH.maxBatch} max, ${PRODUCTION_BATCH.concurrency} in flight)`, PRODUCTION_BATCH, MESSAGES);
  if (process.env.BENCH_ONLY === 'batched') return print([batched]);
  const perMessage = await onPostgres('PostgreSQL, one transaction per message (8 in flight)', { maxBatch: 1, concurrency: 8 }, Math.max(2000, Math.round(MESSAGES / 6)));
  const pglite = await onPglite(`PGlite (data dir), batched (${PRODUCTION_BATCH.maxBatch} max, ${PRODUCTION_BATCH.concurrency} in flight)`, Math.max(5000, Math.round(MESSAGES / 3)));
  const results = [batched, perMessage, pglite];
  print(results);
  console.log(`\nbatched / per-message on PostgreSQL: ${(batched.perSecond / perMessage.perSecond).toFixed(1)}×  (target ≥ 5×)`);
  console.log(`batched on PostgreSQL: ${Math.round(batched.perSecond).toLocaleString('en-US')} durable sends/s (target ≥ 30,000)`);
  console.log(`PGlite / PostgreSQL batched: ${(pglite.perSecond / batched.perSecond).toFixed(2)}×`);
  await batchLatencies();
}

/** One `appendBatch` at a time, by batch size, each of new messages between existing users. */
async function batchLatencies(): Promise<void> {
  const rounds = 400;
  const timedBatches = async (work: () => Promise<unknown>) => {
    const { p50, p99 } = await latencies(rounds, 0, work);
    return `p50 ${p50.toFixed(2)} ms, p99 ${p99.toFixed(2)} ms`;
  };
  await withScratchDatabase(async (url) => {
    const db = await openDatabase({ databaseUrl: url, dataDir: 'memory://' });
    try {
      await db.query('INSERT INTO users (id) SELECT g FROM generate_series(1, $1::int) g', [USERS]);
      const store = new PostgresMessageStore(db);
      let n = 0;
      const batch = (size: number) =>
        Array.from({ length: size }, () => {
          const [from, to] = pair(n % CONVERSATIONS);
          return { senderId: from, receiverId: to, messageType: 'TEXT' as const, content: `message ${n}`, extra: null, clientMsgId: `latency-${n++}` };
        });
      // Unmeasured: creates the conversations, so the measured batches only append.
      while (n < CONVERSATIONS) await store.appendBatch(batch(64));
      console.log('\nOne batch at a time (PostgreSQL; statement and commit):');
      console.log(`  SELECT 1 round trip: ${await timedBatches(() => db.query('SELECT 1'))}`);
      for (const size of [1, 4, 16, 64, 256]) console.log(`  batch of ${String(size).padStart(3)}: ${await timedBatches(() => store.appendBatch(batch(size)))}`);
    } finally {
      await db.close();
    }
  });
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
