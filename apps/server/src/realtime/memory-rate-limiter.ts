import { RateLimiterMemory } from 'rate-limiter-flexible';
import { TokenBucketLimiter, type BucketShape } from './token-bucket.js';

/** Per-node rate limiter; with several nodes use the Redis one so a user's budget is shared. */
export function createMemoryRateLimiter(shape: BucketShape, name: string): TokenBucketLimiter {
  return new TokenBucketLimiter((points, duration, keyPrefix) => new RateLimiterMemory({ points, duration, keyPrefix }), shape, name);
}
