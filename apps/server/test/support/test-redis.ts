import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';

/** The Redis server tests may use, or null (those tests are then skipped loudly). */
export const TEST_REDIS_URL = process.env.PARLEY_TEST_REDIS_URL ?? null;

if (!TEST_REDIS_URL && process.env.VITEST && !process.env.PARLEY_QUIET_SKIPS) {
  console.warn('\n!!! PARLEY_TEST_REDIS_URL is not set: tests that need a real Redis server are SKIPPED. .ci/run sets it.\n');
}

export interface TestRedisPrefix extends AsyncDisposable {
  url: string;
  prefix: string;
  cleanup(): Promise<void>;
}

/** A unique key prefix on the test Redis; every key under it is deleted on dispose. */
export function createTestRedisPrefix(): TestRedisPrefix {
  if (!TEST_REDIS_URL) throw new Error('PARLEY_TEST_REDIS_URL is not set');
  const prefix = `parley-test-${randomBytes(5).toString('hex')}:`;
  const cleanup = () => deleteKeysWithPrefix(TEST_REDIS_URL!, prefix);
  return { url: TEST_REDIS_URL, prefix, cleanup, [Symbol.asyncDispose]: cleanup };
}

/** Deletes every key under `prefix` on the Redis server at `url`. */
export async function deleteKeysWithPrefix(url: string, prefix: string): Promise<void> {
  const redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 2 });
  await redis.connect();
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 500);
      cursor = next;
      if (keys.length > 0) await redis.del(...keys);
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}
