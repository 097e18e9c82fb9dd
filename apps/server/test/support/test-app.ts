import { buildApp, type AppOverrides, type ParleyApp } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';

export interface TestServer extends AsyncDisposable {
  app: ParleyApp;
  /** `http://127.0.0.1:port` */
  url: string;
  /** `ws://127.0.0.1:port` */
  wsUrl: string;
  /** A development token for the user (creating the user), through the real REST door. */
  token(userId: number, name?: string): Promise<string>;
  /** fetch against the server with the user's token. */
  api(token: string, method: string, path: string, body?: unknown): Promise<{ status: number; body: any; headers: Headers }>;
}

/**
 * A disposable server on a free loopback port. Embedded in-memory PGlite unless `env` names a
 * DATABASE_URL; any other setting of the README's configuration table can be passed in `env`.
 * Silent, and without process metrics, whose collectors would outlive the many servers one test
 * process starts; `env` and `overrides` can turn either back on.
 */
export async function startTestServer(env: Record<string, string> = {}, overrides: AppOverrides = {}): Promise<TestServer> {
  const config = loadConfig({ PORT: '0', HOST: '127.0.0.1', PARLEY_DATA_DIR: 'memory://', PARLEY_DEV_AUTH: 'true', PARLEY_PROCESS_METRICS: 'false', ...env });
  const app = await buildApp(config, { logger: false, ...overrides });
  const url = await app.listen();
  const api: TestServer['api'] = async (token, method, path, body) => {
    const headers: Record<string, string> = {};
    if (token) headers.authorization = `Bearer ${token}`;
    if (body !== undefined) headers['content-type'] = 'application/json';
    const response = await fetch(url + path, { method, headers, ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });
    const text = await response.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : null;
    } catch {
      // not JSON: keep the text
    }
    return { status: response.status, body: parsed, headers: response.headers };
  };
  return {
    app,
    url,
    wsUrl: url.replace(/^http/, 'ws'),
    api,
    async token(userId, name) {
      const response = await api('', 'POST', '/auth/dev-token', { userId, ...(name ? { name } : {}) });
      if (response.status !== 200) throw new Error(`dev-token failed: ${response.status} ${JSON.stringify(response.body)}`);
      return response.body.token as string;
    },
    [Symbol.asyncDispose]: () => app.shutdown(),
  };
}

/** Resolves when `predicate` holds, polling; rejects after `timeoutMs` with `what`. */
export async function eventually<T>(probe: () => T | Promise<T>, what: string, timeoutMs = 10_000): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value as NonNullable<T>;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
