/**
 * Graceful shutdown finishes its own work: with live STOMP (WebSocket and SockJS) and SignalR
 * connections on PostgreSQL, shutting down closes the connections, lets their bookkeeping (the
 * last-seen write and offline announcement of each user's last session) finish, and only then
 * ends the database pool — no error is logged and every user's last-seen time is stored.
 */
import { Writable } from 'node:stream';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { buildApp } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { SignalRUser } from '../support/signalr-client.js';
import { ROUTES, StompUser } from '../support/stomp-client.js';
import { eventually } from '../support/test-app.js';
import { createTestDatabase, TEST_DATABASE_URL } from '../support/test-database.js';

interface LogLine {
  level: number;
  msg?: string;
  err?: { message?: string };
}

describe.skipIf(!TEST_DATABASE_URL)('shutdown on PostgreSQL with live connections', () => {
  it('writes every user’s last-seen before the pool ends, and logs no error', async () => {
    await using db = await createTestDatabase();
    const lines: LogLine[] = [];
    const stream = new Writable({
      write(chunk: Buffer, _encoding, done) {
        for (const line of chunk.toString('utf8').split('\n')) if (line.trim()) lines.push(JSON.parse(line) as LogLine);
        done();
      },
    });
    const config = loadConfig({ PORT: '0', HOST: '127.0.0.1', PARLEY_DATA_DIR: 'memory://', PARLEY_DEV_AUTH: 'true', DATABASE_URL: db.url });
    const app = await buildApp(config, { logger: { level: 'warn', stream } });
    let shutDown = false;
    const clients: AsyncDisposable[] = [];
    try {
      const url = await app.listen();
      const token = async (userId: number) => {
        const response = await fetch(`${url}/auth/dev-token`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ userId }) });
        return ((await response.json()) as { token: string }).token;
      };
      const ids = [51, 52, 53, 54];
      const [ws, sockjs, hub, hub2] = await Promise.all(ids.map(token));
      clients.push(await new StompUser(url, { token: ws! }).connect());
      clients.push(await new StompUser(url, { token: sockjs!, route: ROUTES['sockjs xhr-streaming']! }).connect());
      clients.push(await SignalRUser.start(url, hub!));
      clients.push(await SignalRUser.start(url, hub2!, { transport: 'LongPolling' }));
      await eventually(() => app.registry.size === ids.length, 'every connection registered');

      await app.shutdown();
      shutDown = true;

      const reader = new pg.Client({ connectionString: db.url });
      await reader.connect();
      try {
        const { rows } = await reader.query<{ id: string; last_seen_at: Date | null }>('SELECT id, last_seen_at FROM users WHERE id = ANY($1::int8[]) ORDER BY id', [ids]);
        expect(rows.map((r) => [Number(r.id), r.last_seen_at instanceof Date])).toEqual(ids.map((id) => [id, true]));
      } finally {
        await reader.end();
      }
      const errors = lines.filter((l) => l.level >= 50);
      expect(errors.map((l) => `${l.msg}: ${l.err?.message ?? ''}`)).toEqual([]);
      expect(JSON.stringify(lines)).not.toContain('Cannot use a pool after calling end');
    } finally {
      for (const client of clients) await client[Symbol.asyncDispose]();
      if (!shutDown) await app.shutdown();
    }
  });
});
