import { SharedIntervals } from './shared-intervals.js';

/** How often access tokens are checked: a session is closed at most this long after its token expired. */
export const TOKEN_EXPIRY_CHECK_MS = 1000;

/** A session that ends itself once its access token has expired. */
export interface ExpiringSession {
  /** Epoch milliseconds at which the access token expires. */
  readonly accessExpiresAtMs: number;
  /** Ends the session, telling the client why. */
  expireAccess(): void;
}

/**
 * Every session's token expiry on one shared interval instead of a timer per session: each
 * expiry lies a different number of milliseconds away, so a timer each cost an idle session a
 * Timeout, a closure and, nearly always, a timer list of its own.
 */
const EXPIRY_CHECKS = new SharedIntervals<ExpiringSession>((session, now) => {
  if (now >= session.accessExpiresAtMs) session.expireAccess();
});

export function watchTokenExpiry(session: ExpiringSession): void {
  EXPIRY_CHECKS.add(TOKEN_EXPIRY_CHECK_MS, session);
}

export function unwatchTokenExpiry(session: ExpiringSession): void {
  EXPIRY_CHECKS.delete(TOKEN_EXPIRY_CHECK_MS, session);
}
