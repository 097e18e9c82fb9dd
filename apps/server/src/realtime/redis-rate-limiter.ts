import type { Redis } from 'ioredis';
import { RateLimiterMemory, RateLimiterRedis } from 'rate-limiter-flexible';
import { TokenBucketLimiter, type BucketShape } from './token-bucket.js';

/**
 * Rate limits shared by all nodes: a user's budget is the same whichever node their requests
 * reach. While Redis is unreachable each node falls back to its own in-memory bucket
 * (rate-limiter-flexible's insurance limiter), so sends keep working — limits are then per node.
 */
export function createRedisRateLimiter(redis: Redis, prefix: string, shape: BucketShape, name: string): TokenBucketLimiter {
  return new TokenBucketLimiter(
    (points, duration, keyPrefix) =>
      new RateLimiterRedis({
        storeClient: redis,
        points,
        duration,
        keyPrefix: `${prefix}rl:${keyPrefix}`,
        rejectIfRedisNotReady: true,
        insuranceLimiter: new RateLimiterMemory({ points, duration, keyPrefix }),
      }),
    shape,
    name,
  );
}
