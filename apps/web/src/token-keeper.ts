import { tokenExpiresAt } from './token-expiry.js';

/** Fetch a fresh token this long before the current one expires. */
export const REFRESH_BEFORE_EXPIRY_MS = 60_000;
const MIN_REFRESH_DELAY_MS = 5_000;
const RETRY_DELAY_MS = 30_000;

/**
 * Holds the host app's access token for the SDK, and when the token came from a token URL
 * fetches the next one before it expires (so a reconnect never starts with a dead token).
 */
export class TokenKeeper {
  private timer: ReturnType<typeof setTimeout> | null = null;
  private refreshing: Promise<string> | null = null;

  constructor(
    private token: string,
    private readonly fetchFresh: (() => Promise<string>) | null,
    private readonly onRefreshFailed: (error: unknown) => void,
  ) {
    this.schedule();
  }

  /** Replaces the token (a host app handed over a new one). */
  set(token: string): void {
    this.token = token;
    this.schedule();
  }

  /** The token to use now; refreshed first when it is about to expire and a token URL is known. */
  async current(): Promise<string> {
    const expiresAt = tokenExpiresAt(this.token);
    if (this.fetchFresh && expiresAt !== null && expiresAt - Date.now() < REFRESH_BEFORE_EXPIRY_MS) return this.refresh();
    return this.token;
  }

  stop(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  private refresh(): Promise<string> {
    const fetchFresh = this.fetchFresh;
    if (!fetchFresh) return Promise.resolve(this.token);
    this.refreshing ??= fetchFresh()
      .then((token) => {
        this.set(token);
        return token;
      })
      .finally(() => (this.refreshing = null));
    return this.refreshing;
  }

  private schedule(): void {
    this.stop();
    const expiresAt = tokenExpiresAt(this.token);
    if (!this.fetchFresh || expiresAt === null) return;
    const delay = Math.max(MIN_REFRESH_DELAY_MS, expiresAt - Date.now() - REFRESH_BEFORE_EXPIRY_MS);
    this.timer = setTimeout(() => {
      this.refresh().catch((error: unknown) => {
        this.onRefreshFailed(error);
        this.timer = setTimeout(() => this.schedule(), RETRY_DELAY_MS);
      });
    }, delay);
  }
}
