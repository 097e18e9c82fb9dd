import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { TOKEN_EXPIRY_CHECK_MS, unwatchTokenExpiry, watchTokenExpiry, type ExpiringSession } from './token-expiry.js';

function session(accessExpiresAtMs: number): ExpiringSession & { expired: number } {
  return {
    accessExpiresAtMs,
    expired: 0,
    expireAccess() {
      this.expired++;
      unwatchTokenExpiry(this);
    },
  };
}

describe('shared token expiry check', () => {
  beforeEach(() => {
    vi.useFakeTimers({ now: 1_000_000 });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('ends a session on the first check at or after its expiry, and not before', () => {
    const soon = session(Date.now() + 2500);
    const later = session(Date.now() + 60_000);
    watchTokenExpiry(soon);
    watchTokenExpiry(later);

    vi.advanceTimersByTime(2000);
    expect(soon.expired).toBe(0);
    vi.advanceTimersByTime(TOKEN_EXPIRY_CHECK_MS);
    expect(soon.expired).toBe(1);
    expect(later.expired).toBe(0);

    vi.advanceTimersByTime(10 * TOKEN_EXPIRY_CHECK_MS);
    expect(soon.expired).toBe(1);
    unwatchTokenExpiry(later);
  });

  it('ends an already expired session within one check period, and never an unwatched one', () => {
    const expired = session(Date.now() - 1);
    const gone = session(Date.now() - 1);
    watchTokenExpiry(expired);
    watchTokenExpiry(gone);
    unwatchTokenExpiry(gone);

    vi.advanceTimersByTime(TOKEN_EXPIRY_CHECK_MS);
    expect(expired.expired).toBe(1);
    expect(gone.expired).toBe(0);
  });
});
