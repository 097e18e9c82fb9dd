export type RateDecision = { allowed: true } | { allowed: false; retryAfterMs: number };

/** A per-key token bucket. In-process on one node, shared through Redis across nodes. */
export interface RateLimiter {
  consume(key: string): Promise<RateDecision>;
}
