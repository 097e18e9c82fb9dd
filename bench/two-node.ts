/**
 * Two-node mode of `npm run bench`: the same STOMP load against one node, then against two nodes
 * where every conversation spans both (odd user ids on node A, even on node B), so each message
 * crosses Redis. Both runs use PostgreSQL and Redis as a multi-node deployment does; the figure
 * is the cross-node throughput as a ratio of the single node's (target ≥ 0.7×).
 * PARLEY_BENCH_DATABASE_URL / PARLEY_BENCH_REDIS_URL name the servers (local defaults).
 */
import { randomBytes } from 'node:crypto';
import { deleteKeysWithPrefix } from '../apps/server/test/support/test-redis.js';
import { describeMachine, log, scratchDatabase, signTokens, startServer, stompHandshake } from './stomp-bench.js';
import { StompLoad, type LoadResult } from './stomp-load.js';

const PAIRS = Number(process.env.BENCH_TWO_NODE_PAIRS ?? 100);
const WINDOW = 4;
const WARMUP_S = 2;
const MEASURE_S = 8;

export async function runTwoNodeBench(): Promise<{ single: LoadResult; cross: LoadResult }> {
  const secret = randomBytes(24).toString('hex');
  const database = await scratchDatabase(process.env.PARLEY_BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test');
  const redisUrl = process.env.PARLEY_BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379';
  const prefix = `parley-bench-${randomBytes(4).toString('hex')}:`;
  const tokens = await signTokens(secret, 2 * PAIRS);
  const env = {
    ...process.env,
    ...database.env,
    REDIS_URL: redisUrl,
    PARLEY_REDIS_PREFIX: prefix,
    JWT_SECRET: secret,
    PARLEY_DEV_AUTH: 'false',
    PARLEY_SEND_RATE: '1000000',
    PARLEY_SEND_BURST: '1000000',
    LOG_LEVEL: 'silent',
  };
  try {
    const single = await measure('one node', [await startServer('parley', env)]);
    // The second run starts on fresh nodes, so both see the same (warm) database.
    const cross = await measure('two nodes', [await startServer('parley', env), await startServer('parley', env)]);
    print(single, cross, database.name);
    return { single, cross };
  } finally {
    await database.drop();
    await deleteKeysWithPrefix(redisUrl, prefix);
  }

  async function measure(label: string, nodes: { url: string; stop(): Promise<void> }[]): Promise<LoadResult> {
    try {
      const wsUrls = nodes.map((n) => `${n.url.replace(/^http/, 'ws')}/ws`);
      const load = new StompLoad({ wsUrl: (id) => wsUrls[id % wsUrls.length]!, handshake: stompHandshake(tokens) }, PAIRS, 1);
      await load.connect();
      const result = await load.closedLoop(WINDOW, WARMUP_S, MEASURE_S);
      await load.close();
      log(label, PAIRS, 'closed loop done');
      return result;
    } finally {
      await Promise.all(nodes.map((n) => n.stop()));
    }
  }
}

function print(single: LoadResult, cross: LoadResult, database: string): void {
  const f = (n: number, digits = 1) => (Number.isFinite(n) ? n.toFixed(digits) : '—');
  console.log(`\nTwo nodes vs one — ${describeMachine()}; ${database} + Redis; ${PAIRS} pairs, ${WINDOW} in flight per user\n`);
  console.log('| run | msg/s | p50 / p99 ms |');
  console.log('| --- | ---: | ---: |');
  console.log(`| one node | ${f(single.perSecond, 0)} | ${f(single.p50Ms)} / ${f(single.p99Ms)} |`);
  console.log(`| two nodes, every conversation across both | ${f(cross.perSecond, 0)} | ${f(cross.p50Ms)} / ${f(cross.p99Ms)} |`);
  console.log(`\ncross-node / single-node throughput: ${f(cross.perSecond / single.perSecond, 2)}× (target ≥ 0.7×)`);
}
