import { systemClock, type Clock } from '../ports/clock.js';
import type { RateDecision, RateLimiter } from '../ports/rate-limiter.js';
import { takeToken, type BucketShape } from './token-bucket.js';

/** How many requests pass between sweeps of keys whose bucket is full again (and so need no entry). */
const SWEEP_EVERY = 4096;

/** Per-node token buckets; with several nodes use the Redis one so a user's budget is shared. */
export class MemoryRateLimiter implements RateLimiter {
  private readonly tats = new Map<string, number>();
  private untilSweep = SWEEP_EVERY;

  constructor(
    private readonly shape: BucketShape,
    private readonly clock: Clock = systemClock,
  ) {}

  consume(key: string): Promise<RateDecision> {
    return Promise.resolve(this.consumeNow(key));
  }

  /** Synchronous form, for the Redis limiter's fallback while Redis is unreachable. */
  consumeNow(key: string): RateDecision {
    const now = this.clock.now().getTime();
    const step = takeToken(this.tats.get(key) ?? null, now, this.shape);
    this.tats.set(key, step.tatMs);
    if (--this.untilSweep <= 0) this.sweep(now);
    return step.decision;
  }

  private sweep(now: number): void {
    this.untilSweep = SWEEP_EVERY;
    for (const [key, tat] of this.tats) if (tat <= now) this.tats.delete(key);
  }
}

export function createMemoryRateLimiter(shape: BucketShape, name: string, clock: Clock = systemClock): RateLimiter {
  const limiter = new MemoryRateLimiter(shape, clock);
  return { consume: (key) => limiter.consume(`${name}:${key}`) };
}
