/**
 * The outbox survives a crash, with a real child process: a notification is committed with its
 * message, the server is SIGKILLed while its delivery is in flight (the receiver has not
 * answered), and the restarted server delivers it — with the same delivery id — once the dead
 * worker's lease has run out (the test ends the lease instead of waiting for it).
 *
 * The child runs the TypeScript sources through tsx, as in kill-durability.test.ts.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { SignJWT } from 'jose';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually } from '../support/test-app.js';
import { createTestDatabase, TEST_DATABASE_URL } from '../support/test-database.js';
import { WebhookReceiver } from '../support/webhook-receiver.js';

const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
const SECRET = 'outbox-durability-secret-0123456789';

let scratch: string;
let tsconfigPath: string;

beforeAll(async () => {
  scratch = await mkdtemp(join(tmpdir(), 'parley-outbox-kill-'));
  tsconfigPath = join(scratch, 'tsconfig.json');
  await writeFile(
    tsconfigPath,
    JSON.stringify({
      extends: join(ROOT, 'tsconfig.base.json'),
      compilerOptions: { baseUrl: ROOT, paths: { '@parley/protocol': ['packages/protocol/src/index.ts'] } },
    }),
  );
});

afterAll(async () => {
  if (scratch) await rm(scratch, { recursive: true, force: true });
});

interface Child {
  process: ChildProcess;
  url: string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Starts `apps/server/src/main.ts` in a child process and resolves once it listens. */
async function startChild(env: Record<string, string>): Promise<Child> {
  const tsx = pathToFileURL(join(ROOT, 'node_modules/tsx/dist/loader.mjs')).href;
  const child = spawn(process.execPath, ['--import', tsx, join(ROOT, 'apps/server/src/main.ts')], {
    cwd: scratch,
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? scratch,
      TSX_TSCONFIG_PATH: tsconfigPath,
      NODE_PATH: join(ROOT, 'node_modules'),
      PORT: '0',
      HOST: '127.0.0.1',
      JWT_SECRET: SECRET,
      LOG_LEVEL: 'info',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start:\n${output}`)), 60_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /"url":"(http:\/\/[^"]+)"[^\n]*Parley is listening|Parley is listening[^\n]*"url":"(http:\/\/[^"]+)"/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve((match[1] ?? match[2])!);
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    void exited.then(({ code }) => {
      clearTimeout(timer);
      reject(new Error(`server exited (${code}) before listening:\n${output}`));
    });
  });
  return { process: child, url, exited };
}

const tokenFor = (userId: number) => new SignJWT({}).setProtectedHeader({ alg: 'HS256' }).setSubject(String(userId)).setIssuedAt().setExpirationTime('1h').sign(new TextEncoder().encode(SECRET));

describe.skipIf(!TEST_DATABASE_URL)('the outbox across a crash', () => {
  it('delivers a notification whose delivery was in flight when the server was SIGKILLed, after the restart, with the same delivery id', async () => {
    await using database = await createTestDatabase();
    await using receiver = await WebhookReceiver.start();
    const env = {
      DATABASE_URL: database.url,
      PARLEY_WEBHOOK_URL: `${receiver.url}/notify`,
      PARLEY_WEBHOOK_SECRET: 'kill-secret',
      PARLEY_PUSH_COALESCE_MS: '0',
      PARLEY_OUTBOX_POLL_MS: '50',
    };
    receiver.holding = true;
    const first = await startChild(env);
    let second: Child | null = null;
    try {
      // Both users exist before the send: a token's first use creates its user.
      await fetch(`${first.url}/users/me`, { headers: { authorization: `Bearer ${await tokenFor(2)}` } });
      const sent = await fetch(`${first.url}/messages`, {
        method: 'POST',
        headers: { authorization: `Bearer ${await tokenFor(1)}`, 'content-type': 'application/json' },
        body: JSON.stringify({ receiverId: 2, messageType: 'TEXT', content: 'are you there?', clientMsgId: 'kill-1' }),
      });
      expect(sent.status).toBe(201);
      await eventually(() => receiver.at('/notify').length === 1, 'the delivery in flight', 30_000);
      first.process.kill('SIGKILL');
      expect((await first.exited).signal).toBe('SIGKILL');

      // The dead worker's lease would run out by itself after half a minute; end it now.
      const client = new pg.Client({ connectionString: database.url });
      await client.connect();
      try {
        await client.query('UPDATE notification_deliveries SET lease_until = now()');
        receiver.release();
        second = await startChild(env);
        const hooks = await eventually(() => (receiver.at('/notify').length >= 2 ? receiver.at('/notify') : null), 'the delivery after the restart', 30_000);
        expect(hooks.map((h) => h.headers['x-parley-delivery'])).toEqual([hooks[0]!.body.id, hooks[0]!.body.id]);
        expect(hooks[1]!.body).toMatchObject({ event: 'notification', userId: 2, senderId: 1, count: 1 });
        await eventually(async () => (await client.query("SELECT 1 FROM notifications WHERE status = 'SENT'")).rowCount === 1, 'the notification SENT');
      } finally {
        await client.end();
      }
    } finally {
      if (first.process.exitCode === null && first.process.signalCode === null) first.process.kill('SIGKILL');
      if (second) {
        second.process.kill('SIGTERM');
        await second.exited;
      }
    }
  }, 180_000);
});
