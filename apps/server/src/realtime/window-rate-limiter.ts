import type { Redis } from 'ioredis';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import type { RateDecision, RateLimiter } from '../ports/rate-limiter.js';

export interface WindowShape {
  /** Most actions per window and key. */
  points: number;
  windowSeconds: number;
}

/**
 * At most `points` actions per key in a window that opens with the key's first action: the
 * literal reading of "30 uploads per minute", for actions too rare and costly for a token bucket's
 * per-second refill to make sense.
 */
export class FixedWindowLimiter implements RateLimiter {
  constructor(private readonly limiter: RateLimiterAbstract) {}

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

/** One node's windows; with several nodes use the Redis one so a user's budget is shared. */
export function createMemoryWindowLimiter(shape: WindowShape, name: string): FixedWindowLimiter {
  return new FixedWindowLimiter(new RateLimiterMemory({ points: shape.points, duration: shape.windowSeconds, keyPrefix: name }));
}

/** Windows shared by all nodes; while Redis is unreachable each node counts on its own. */
export function createRedisWindowLimiter(redis: Redis, prefix: string, shape: WindowShape, name: string): FixedWindowLimiter {
  return new FixedWindowLimiter(
    new RateLimiterRedis({
      storeClient: redis,
      points: shape.points,
      duration: shape.windowSeconds,
      keyPrefix: `${prefix}rl:${name}`,
      rejectIfRedisNotReady: true,
      insuranceLimiter: new RateLimiterMemory({ points: shape.points, duration: shape.windowSeconds, keyPrefix: name }),
    }),
  );
}
