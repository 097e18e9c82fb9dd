import { BurstyRateLimiter, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import type { RateDecision, RateLimiter } from '../ports/rate-limiter.js';

export interface BucketShape {
  ratePerSecond: number;
  burst: number;
}

/**
 * Adapts a rate-limiter-flexible pair to our port: `ratePerSecond` sustained, plus a burst
 * pool of `burst` that refills over burst/rate seconds (rate-limiter-flexible's bursty mode,
 * the closest it has to a token bucket). Both the memory and the Redis limiter use this.
 */
export class TokenBucketLimiter implements RateLimiter {
  private readonly limiter: BurstyRateLimiter;

  constructor(make: (points: number, durationSeconds: number, keyPrefix: string) => RateLimiterAbstract, shape: BucketShape, name: string) {
    const perSecond = Math.max(1, Math.round(shape.ratePerSecond));
    const burstPool = Math.max(0, shape.burst - perSecond);
    const refillSeconds = Math.max(1, Math.ceil(shape.burst / shape.ratePerSecond));
    this.limiter = new BurstyRateLimiter(make(perSecond, 1, `${name}:rate`), make(Math.max(1, burstPool), refillSeconds, `${name}:burst`));
  }

  async consume(key: string): Promise<RateDecision> {
    try {
      await this.limiter.consume(key, 1);
      return { allowed: true };
    } catch (rejection) {
      if (rejection instanceof RateLimiterRes) return { allowed: false, retryAfterMs: Math.max(1, rejection.msBeforeNext) };
      throw rejection;
    }
  }
}
