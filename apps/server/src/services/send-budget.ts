import { AppError } from '../domain/app-error.js';
import type { RateLimiter } from '../ports/rate-limiter.js';

/**
 * The per-user budget of stored messages. Everything that stores a message on a user's behalf
 * (a send, an exchange request) spends from the same budget, so no operation is a way around it.
 */
export class SendBudget {
  constructor(private readonly limiter: RateLimiter) {}

  /** Spends one message, or throws RATE_LIMITED with the wait. */
  async spend(userId: number): Promise<void> {
    const decision = await this.limiter.consume(`send:${userId}`);
    if (!decision.allowed) {
      throw new AppError('RATE_LIMITED', `too many messages; retry in ${decision.retryAfterMs} ms`, { retryAfterMs: decision.retryAfterMs });
    }
  }
}
