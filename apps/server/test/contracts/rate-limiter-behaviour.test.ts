/**
 * One behaviour suite for the RateLimiter port, run against the in-process limiter and the
 * Redis limiter, so both keep the same promises. With Redis, two limiter instances stand for two nodes.
 */
import { describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import type { Clock } from '../../src/ports/clock.js';
import type { RateLimiter } from '../../src/ports/rate-limiter.js';
import { createMemoryRateLimiter } from '../../src/realtime/memory-rate-limiter.js';
import { createRedisRateLimiter } from '../../src/realtime/redis-rate-limiter.js';
import type { BucketShape } from '../../src/realtime/token-bucket.js';
import { createTestRedisPrefix, TEST_REDIS_URL } from '../support/test-redis.js';
import { freePort } from '../support/redis-server-process.js';

interface LimiterBackend {
  name: string;
  available: boolean;
  shared: boolean;
  /** Limiters for `nodes` nodes sharing one budget where the backend can. */
  open(shape: BucketShape, nodes: number, clock?: Clock): Promise<{ limiters: RateLimiter[]; dispose(): Promise<void> }>;
}

const BACKENDS: LimiterBackend[] = [
  {
    name: 'memory',
    available: true,
    shared: false,
    async open(shape, nodes, clock) {
      return { limiters: Array.from({ length: nodes }, () => createMemoryRateLimiter(shape, 'send', clock)), dispose: async () => undefined };
    },
  },
  {
    name: 'Redis',
    available: Boolean(TEST_REDIS_URL),
    shared: true,
    async open(shape, nodes, clock) {
      const space = createTestRedisPrefix();
      const clients = Array.from({ length: nodes }, () => new Redis(space.url, { enableOfflineQueue: false, maxRetriesPerRequest: 1 }));
      await Promise.all(clients.map((c) => new Promise((resolve) => c.once('ready', resolve))));
      return {
        limiters: clients.map((c) => createRedisRateLimiter(c, space.prefix, shape, 'send', clock)),
        async dispose() {
          clients.forEach((c) => c.disconnect());
          await space.cleanup();
        },
      };
    },
  },
];

async function allowedOf(limiter: RateLimiter, key: string, attempts: number): Promise<number> {
  let allowed = 0;
  for (let i = 0; i < attempts; i++) if ((await limiter.consume(key)).allowed) allowed++;
  return allowed;
}

/** A clock that moves only when told, so 20 seconds of traffic take no real time. */
function manualClock(startMs = Date.UTC(2026, 0, 1)): Clock & { advance(ms: number): void } {
  let now = startMs;
  return { now: () => new Date(now), advance: (ms) => void (now += ms) };
}

if (!TEST_REDIS_URL) console.warn('!!! rate limiter behaviour: Redis cases SKIPPED (PARLEY_TEST_REDIS_URL unset)');

for (const backend of BACKENDS) {
  describe.skipIf(!backend.available)(`RateLimiter on ${backend.name}`, () => {
    it('allows a burst, then refuses with a positive retryAfterMs', async () => {
      const { limiters, dispose } = await backend.open({ ratePerSecond: 2, burst: 6 }, 1);
      try {
        const allowed = await allowedOf(limiters[0]!, 'u:1', 6);
        expect(allowed).toBe(6);
        const refused = await limiters[0]!.consume('u:1');
        expect(refused.allowed).toBe(false);
        if (!refused.allowed) expect(refused.retryAfterMs).toBeGreaterThan(0);
      } finally {
        await dispose();
      }
    });

    it('keeps separate budgets per key', async () => {
      const { limiters, dispose } = await backend.open({ ratePerSecond: 1, burst: 2 }, 1);
      try {
        expect(await allowedOf(limiters[0]!, 'u:1', 5)).toBe(2);
        expect(await allowedOf(limiters[0]!, 'u:2', 5)).toBe(2);
      } finally {
        await dispose();
      }
    });

    it('holds over time: a flood for 20 s gets at most burst + 20 × rate, with no window boundary to exploit', async () => {
      const clock = manualClock();
      const shape = { ratePerSecond: 10, burst: 30 };
      const { limiters, dispose } = await backend.open(shape, 1, clock);
      try {
        // 100 attempts a second, in steps of 50 ms: ten times the rate, so only the bucket decides.
        let allowed = 0;
        for (let step = 0; step <= 400; step++) {
          allowed += await allowedOf(limiters[0]!, 'u:flood', 5);
          if (step < 400) clock.advance(50);
        }
        const ceiling = shape.burst + 20 * shape.ratePerSecond;
        expect(allowed).toBeLessThanOrEqual(ceiling);
        // and the sender is not starved: the refill arrives as promised.
        expect(allowed).toBeGreaterThanOrEqual(ceiling - 1);
      } finally {
        await dispose();
      }
    });

    it('refills one token per interval after the burst is spent, and says when', async () => {
      const clock = manualClock();
      const { limiters, dispose } = await backend.open({ ratePerSecond: 4, burst: 2 }, 1, clock);
      try {
        expect(await allowedOf(limiters[0]!, 'u:2', 3)).toBe(2);
        const refused = await limiters[0]!.consume('u:2');
        expect(refused).toEqual({ allowed: false, retryAfterMs: 250 });
        clock.advance(249);
        expect((await limiters[0]!.consume('u:2')).allowed).toBe(false);
        clock.advance(1);
        expect(await allowedOf(limiters[0]!, 'u:2', 2)).toBe(1);
        clock.advance(10_000);
        expect(await allowedOf(limiters[0]!, 'u:2', 5)).toBe(2);
      } finally {
        await dispose();
      }
    });

    it.skipIf(!backend.shared)('shares one budget across nodes', async () => {
      const { limiters, dispose } = await backend.open({ ratePerSecond: 2, burst: 6 }, 2);
      try {
        const a = await allowedOf(limiters[0]!, 'u:9', 4);
        const b = await allowedOf(limiters[1]!, 'u:9', 4);
        expect(a + b).toBe(6);
      } finally {
        await dispose();
      }
    });
  });
}

describe('Redis rate limiter with Redis unreachable', () => {
  it('falls back to a per-node bucket instead of failing', async () => {
    const client = new Redis(`redis://127.0.0.1:${await freePort()}`, { enableOfflineQueue: false, maxRetriesPerRequest: 0, retryStrategy: () => null });
    client.on('error', () => undefined);
    try {
      const limiter = createRedisRateLimiter(client, 'x:', { ratePerSecond: 1, burst: 3 }, 'send');
      expect(await allowedOf(limiter, 'u:1', 5)).toBe(3);
    } finally {
      client.disconnect();
    }
  });
});
