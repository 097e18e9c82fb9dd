import type { Redis } from 'ioredis';
import { systemClock, type Clock } from '../ports/clock.js';
import type { RateDecision, RateLimiter } from '../ports/rate-limiter.js';
import { MemoryRateLimiter } from './memory-rate-limiter.js';
import { RedisScript } from './redis-script.js';
import { intervalMsOf, toleranceMsOf, type BucketShape } from './token-bucket.js';

/**
 * The GCRA step of token-bucket.ts, atomically in Redis. Answers 0 when allowed, else the ms to
 * wait. The key expires when the bucket is full again, so idle users cost nothing. TAT is kept
 * with full double precision so both implementations decide exactly alike.
 */
const TAKE_TOKEN = new RedisScript(`
local key = ARGV[1]
local now = tonumber(ARGV[2])
local interval = tonumber(ARGV[3])
local tolerance = tonumber(ARGV[4])
local tat = tonumber(redis.call('GET', key) or '')
if tat == nil or tat < now then tat = now end
local ahead = tat - now - tolerance
if ahead > 0 then return math.max(1, math.ceil(ahead)) end
local newTat = tat + interval
redis.call('SET', key, string.format('%.17g', newTat), 'PX', math.max(1, math.ceil(newTat - now)))
return 0
`);

/**
 * Rate limits shared by all nodes: a user's budget is the same whichever node their requests
 * reach. The time comes from the calling node's clock (NTP keeps nodes within milliseconds, and
 * a TAT from a node ahead only delays the next request by that skew). While Redis is unreachable
 * each node falls back to its own in-memory bucket, so sends keep working — limits are then per node.
 */
export class RedisRateLimiter implements RateLimiter {
  private readonly fallback: MemoryRateLimiter;
  private readonly intervalMs: number;
  private readonly toleranceMs: number;

  constructor(
    private readonly redis: Redis,
    private readonly keyPrefix: string,
    shape: BucketShape,
    private readonly clock: Clock = systemClock,
  ) {
    this.fallback = new MemoryRateLimiter(shape, clock);
    this.intervalMs = intervalMsOf(shape);
    this.toleranceMs = toleranceMsOf(shape);
  }

  async consume(key: string): Promise<RateDecision> {
    if (this.redis.status !== 'ready') return this.fallback.consumeNow(key);
    let waitMs: unknown;
    try {
      waitMs = await TAKE_TOKEN.run(this.redis, [`${this.keyPrefix}${key}`, this.clock.now().getTime(), this.intervalMs, this.toleranceMs]);
    } catch {
      return this.fallback.consumeNow(key);
    }
    const wait = Number(waitMs);
    return wait > 0 ? { allowed: false, retryAfterMs: wait } : { allowed: true };
  }
}

export function createRedisRateLimiter(redis: Redis, prefix: string, shape: BucketShape, name: string, clock: Clock = systemClock): RateLimiter {
  return new RedisRateLimiter(redis, `${prefix}rl:${name}:`, shape, clock);
}
