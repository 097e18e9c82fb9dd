/**
 * Supplies the access token (a JWT). Called before every (re)connect and after a REST call was
 * answered 401, so it may return a fresh token each time; it may be async (a refresh call).
 */
export type TokenProvider = () => string | Promise<string>;

/** Caches the provider's last token; `refresh()` asks it again. Concurrent refreshes share one call. */
export class TokenSource {
  private token: string | null = null;
  private pending: Promise<string> | null = null;

  constructor(private readonly provider: TokenProvider) {}

  /** The cached token, fetching one first if there is none. */
  async current(): Promise<string> {
    return this.token ?? this.refresh();
  }

  /** Asks the provider for a new token. */
  refresh(): Promise<string> {
    if (!this.pending) {
      this.pending = Promise.resolve()
        .then(() => this.provider())
        .then(
          (token) => {
            this.token = token;
            this.pending = null;
            return token;
          },
          (error: unknown) => {
            this.pending = null;
            throw error;
          },
        );
    }
    return this.pending;
  }
}
