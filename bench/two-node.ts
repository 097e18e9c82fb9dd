/**
 * Two-node mode of `npm run bench`: the same STOMP load against one node, then against two nodes
 * where every conversation spans both (odd user ids on node A, even on node B), so each message
 * crosses Redis. Both runs use PostgreSQL and Redis as a multi-node deployment does; the figure
 * is the cross-node throughput as a ratio of the single node's (target ≥ 0.7×), in `npm run bench`'s table.
 * PARLEY_BENCH_DATABASE_URL / PARLEY_BENCH_REDIS_URL name the servers (local defaults).
 */
import { randomBytes } from 'node:crypto';
import { deleteKeysWithPrefix } from '../apps/server/test/support/test-redis.js';
import { startServer, type RunningServer } from './processes.js';
import { StompLoad, type LoadResult } from './stomp-load.js';
import { DEFAULT_DATABASE_URL, parleyEnv, scratchDatabase, stompHandshake } from './targets.js';
import { signTokens } from './tokens.js';

const PAIRS = Number(process.env.BENCH_TWO_NODE_PAIRS ?? 100);
const WINDOW = 4;
const WARMUP_S = 2;
const MEASURE_S = 8;

export async function runTwoNodeBench(): Promise<{ single: LoadResult; cross: LoadResult }> {
  const secret = randomBytes(24).toString('hex');
  const database = await scratchDatabase(process.env.PARLEY_BENCH_DATABASE_URL ?? DEFAULT_DATABASE_URL);
  const redisUrl = process.env.PARLEY_BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379';
  const prefix = `parley-bench-${randomBytes(4).toString('hex')}:`;
  const tokens = await signTokens(
    secret,
    Array.from({ length: 2 * PAIRS }, (_, i) => i + 1),
  );
  const env = { ...parleyEnv(secret, database.env), REDIS_URL: redisUrl, PARLEY_REDIS_PREFIX: prefix };
  try {
    const single = await measure('one node', [await startServer('parley', env)]);
    // The second run starts on fresh nodes, so both see the same (warm) database.
    const cross = await measure('two nodes', [await startServer('parley', env), await startServer('parley', env)]);
    return { single, cross };
  } finally {
    await database.drop();
    await deleteKeysWithPrefix(redisUrl, prefix);
  }

  async function measure(label: string, nodes: RunningServer[]): Promise<LoadResult> {
    try {
      const wsUrls = nodes.map((n) => `${n.url.replace(/^http/, 'ws')}/ws`);
      const load = new StompLoad({ wsUrl: (id) => wsUrls[id % wsUrls.length]!, handshake: stompHandshake(tokens) }, PAIRS, 1);
      await load.connect();
      const result = await load.closedLoop(WINDOW, WARMUP_S, MEASURE_S);
      await load.close();
      console.error(`[bench] ${label}: ${result.perSecond.toFixed(0)} msg/s`);
      return result;
    } finally {
      await Promise.all(nodes.map((n) => n.stop()));
    }
  }
}
