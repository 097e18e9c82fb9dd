import type { RateDecision } from '../ports/rate-limiter.js';

export interface BucketShape {
  ratePerSecond: number;
  burst: number;
}

/**
 * A token bucket as GCRA ("generic cell rate algorithm"): instead of a token count and a refill
 * timer, each key keeps one number, the theoretical arrival time (TAT) — when the bucket would
 * be full again. A request is allowed while TAT lies less than (burst − 1) intervals ahead of
 * now, and then moves TAT one interval on. Over any span of t seconds a key gets at most
 * burst + t × rate requests, whatever their timing: unlike fixed windows there is no boundary at
 * which a second budget opens. The memory and the Redis limiter run this same arithmetic.
 */
export function intervalMsOf(shape: BucketShape): number {
  return 1000 / shape.ratePerSecond;
}

/** Tolerance in ms: how far ahead of now TAT may be for a request to pass. */
export function toleranceMsOf(shape: BucketShape): number {
  return (Math.max(1, shape.burst) - 1) * intervalMsOf(shape);
}

export interface BucketStep {
  decision: RateDecision;
  /** The key's new TAT (unchanged when refused). */
  tatMs: number;
}

/** One request against a key whose stored TAT is `storedTatMs` (null: never seen or long idle). */
export function takeToken(storedTatMs: number | null, nowMs: number, shape: BucketShape): BucketStep {
  const tat = storedTatMs === null || storedTatMs < nowMs ? nowMs : storedTatMs;
  const ahead = tat - nowMs - toleranceMsOf(shape);
  if (ahead > 0) return { decision: { allowed: false, retryAfterMs: Math.max(1, Math.ceil(ahead)) }, tatMs: tat };
  return { decision: { allowed: true }, tatMs: tat + intervalMsOf(shape) };
}
