/**
 * `npm run bench:notify`: notifications per second through the outbox and the webhook channel
 * to a local receiver (an HTTP server in this process answering 200 at once), on a real
 * PostgreSQL server (a scratch database on PARLEY_BENCH_DATABASE_URL) and on embedded PGlite.
 *
 * Setup, not measured: BENCH_NOTIFICATIONS offline receivers each get one message from their own
 * sender, through the real server's REST door, with a coalescing window long enough that nothing
 * is sent yet. Measured: from the moment every window is ended (one UPDATE) until the receiver
 * holds every notification — closing, leasing, the signed POST and recording the outcome, by the
 * worker of one node (BENCH_NODES=2 adds a second node on the same database).
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { buildApp, type ParleyApp } from '../apps/server/src/app.js';
import { loadConfig } from '../apps/server/src/config.js';
import { createScratchDatabase } from './scratch-database.js';

const SERVER_URL = process.env.PARLEY_BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const NOTIFICATIONS = Number(process.env.BENCH_NOTIFICATIONS ?? 2000);
const NODES = Number(process.env.BENCH_NODES ?? 1);

async function startReceiver(): Promise<{ url: string; count: () => number; close: () => Promise<void> }> {
  let received = 0;
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      received++;
      res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/notify`,
    count: () => received,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

async function run(name: string, databaseUrl: string | null): Promise<void> {
  const receiver = await startReceiver();
  const env = {
    PORT: '0',
    HOST: '127.0.0.1',
    PARLEY_DATA_DIR: 'memory://',
    PARLEY_DEV_AUTH: 'true',
    JWT_SECRET: 'bench-notify-secret-0123456789',
    PARLEY_PROCESS_METRICS: 'false',
    PARLEY_SEND_RATE: '1000000',
    PARLEY_SEND_BURST: '1000000',
    PARLEY_WEBHOOK_URL: receiver.url,
    PARLEY_WEBHOOK_SECRET: 'bench',
    PARLEY_PUSH_COALESCE_MS: '3600000',
    PARLEY_OUTBOX_POLL_MS: '20',
    LOG_LEVEL: 'silent',
    ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}),
  };
  const apps: ParleyApp[] = [];
  try {
    for (let n = 0; n < (databaseUrl ? NODES : 1); n++) apps.push(await buildApp(loadConfig({ ...env, PARLEY_NODE_ID: `notify-${n}` }), { logger: false }));
    const first = apps[0]!;
    const base = await first.listen();
    const token = async (userId: number) =>
      ((await (await fetch(`${base}/auth/dev-token`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ userId }) })).json()) as { token: string }).token;
    // Receivers 100001…, each written to by its own sender 1…: one notification each.
    let next = 0;
    await Promise.all(
      Array.from({ length: 32 }, async () => {
        while (next < NOTIFICATIONS) {
          const i = ++next;
          await token(100_000 + i);
          const response = await fetch(`${base}/messages`, {
            method: 'POST',
            headers: { authorization: `Bearer ${await token(i)}`, 'content-type': 'application/json' },
            body: JSON.stringify({ receiverId: 100_000 + i, messageType: 'TEXT', content: `hello ${i}`, clientMsgId: `n${i}` }),
          });
          if (response.status !== 201) throw new Error(`send ${i}: HTTP ${response.status}`);
        }
      }),
    );
    const started = process.hrtime.bigint();
    await first.db.query('UPDATE notifications SET due_at = now() WHERE collecting');
    while (receiver.count() < NOTIFICATIONS) await new Promise((resolve) => setTimeout(resolve, 5));
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    const [{ sent }] = (await first.db.query<{ sent: number }>("SELECT count(*)::int AS sent FROM notifications WHERE status = 'SENT'")) as [{ sent: number }];
    console.log(
      `${name.padEnd(44)} ${String(NOTIFICATIONS).padStart(6)} notifications ${seconds.toFixed(2).padStart(7)} s ${Math.round(NOTIFICATIONS / seconds).toLocaleString('en-US').padStart(8)} /s   (received ${receiver.count()}, recorded SENT ${sent} so far)`,
    );
  } finally {
    for (const app of apps) await app.shutdown();
    await receiver.close();
  }
}

const database = await createScratchDatabase(SERVER_URL, 'notify');
try {
  await run(`PostgreSQL, webhook, ${NODES} node(s)`, database.url);
} finally {
  await database.drop();
}
await run('PGlite (memory://), webhook, 1 node', null);
