/** Reconnect timing: exponential growth with full jitter, capped. */
export interface BackoffOptions {
  /** Delay before the first retry, in ms (default 500). */
  initialDelayMs?: number;
  /** Upper bound of any delay, in ms (default 30000). */
  maxDelayMs?: number;
  /** Growth factor per failed attempt (default 2). */
  factor?: number;
  /** Fraction of the delay that is randomised, 0…1 (default 0.5: the delay is 50–100 % of the nominal). */
  jitter?: number;
}

/**
 * Computes successive retry delays: attempt n waits `min(max, initial · factor^n)` minus a random
 * share of up to `jitter` of it, so that many clients dropped at once do not return in lockstep.
 */
export class Backoff {
  private attempt = 0;
  private readonly initialDelayMs: number;
  private readonly maxDelayMs: number;
  private readonly factor: number;
  private readonly jitter: number;

  constructor(options: BackoffOptions = {}, private readonly random: () => number = Math.random) {
    this.initialDelayMs = options.initialDelayMs ?? 500;
    this.maxDelayMs = options.maxDelayMs ?? 30_000;
    this.factor = options.factor ?? 2;
    this.jitter = Math.min(1, Math.max(0, options.jitter ?? 0.5));
  }

  /** Number of delays handed out since the last reset. */
  get attempts(): number {
    return this.attempt;
  }

  /** The delay for the next attempt, in ms; each call advances the attempt counter. */
  next(): number {
    const nominal = Math.min(this.maxDelayMs, this.initialDelayMs * this.factor ** this.attempt);
    this.attempt++;
    return Math.round(nominal * (1 - this.jitter * this.random()));
  }

  /** Starts over after a success. */
  reset(): void {
    this.attempt = 0;
  }
}
