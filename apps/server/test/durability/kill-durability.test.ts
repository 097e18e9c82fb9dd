/**
 * Durable before acknowledged (docs/architecture.md, decision 4), with a real child process: clients
 * send concurrently, the server is SIGKILLed mid-stream and restarted on the same data, and
 * every message whose send was answered is there exactly once with gap-free seq. SIGTERM exits 0
 * after answering the sends it had already taken.
 *
 * The child runs the TypeScript sources through tsx, with @parley/protocol mapped to its source
 * too (a tsconfig with `paths`), so no build step is needed and nothing stale is tested.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { SignJWT } from 'jose';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, TEST_DATABASE_URL } from '../support/test-database.js';

const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
const SECRET = 'durability-test-secret-0123456789';
const A = 11;
const B = 22;

let scratch: string;
let tsconfigPath: string;

beforeAll(async () => {
  scratch = await mkdtemp(join(tmpdir(), 'parley-durability-'));
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
  output: () => string;
}

/** Starts `apps/server/src/main.ts` in a child process and resolves once it listens. */
async function startChild(env: Record<string, string>): Promise<Child> {
  // tsx by absolute URL: the child's working directory is a scratch directory (no stray .env, no ./data).
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
      PARLEY_SEND_RATE: '100000',
      PARLEY_SEND_BURST: '100000',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start:\n${output}`)), 45_000);
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
  return { process: child, url, exited, output: () => output };
}

const tokenFor = (userId: number) => new SignJWT({}).setProtectedHeader({ alg: 'HS256' }).setSubject(String(userId)).setIssuedAt().setExpirationTime('1h').sign(new TextEncoder().encode(SECRET));

/** One HTTP request on its own connection (no keep-alive reuse across a dying server). */
function call(url: string, token: string, method: string, path: string, body?: unknown): Promise<{ status: number; body: any }> {
  return new Promise((resolve, reject) => {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const req = httpRequest(
      `${url}${path}`,
      {
        method,
        agent: false,
        headers: { authorization: `Bearer ${token}`, ...(payload ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) } : {}) },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk) => (text += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text ? JSON.parse(text) : null }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}

interface SendRecord {
  clientMsgId: string;
  from: number;
  answered: { id: number; seq: number } | null;
}

/** `senders` loops sending until `stop()` or a connection error; records what was answered. */
function startSenders(url: string, tokens: Map<number, string>, senders: number, tag: string) {
  const records: SendRecord[] = [];
  let stopped = false;
  const loops = Array.from({ length: senders }, async (_, s) => {
    const from = s % 2 === 0 ? A : B;
    const to = from === A ? B : A;
    for (let i = 0; !stopped; i++) {
      const record: SendRecord = { clientMsgId: `${tag}-s${s}-${i}`, from, answered: null };
      records.push(record);
      try {
        const response = await call(url, tokens.get(from)!, 'POST', '/messages', { receiverId: to, messageType: 'TEXT', content: record.clientMsgId, clientMsgId: record.clientMsgId });
        if (response.status === 200 || response.status === 201) record.answered = { id: response.body.id, seq: response.body.seq };
        else if (response.status !== 503) throw new Error(`unexpected ${response.status} ${JSON.stringify(response.body)}`);
        else return;
      } catch (error) {
        if (error instanceof Error && error.message.startsWith('unexpected')) throw error;
        return; // the server went away: this send is unanswered
      }
    }
  });
  return {
    records,
    answeredCount: () => records.filter((r) => r.answered).length,
    stop: async () => {
      stopped = true;
      await Promise.all(loops);
    },
    done: Promise.all(loops),
  };
}

async function history(url: string, token: string, peer: number) {
  const items: { id: number; seq: number; clientMsgId: string }[] = [];
  for (let after = 0; ; ) {
    const page = await call(url, token, 'GET', `/messages/history/${peer}?afterSeq=${after}&limit=100`);
    expect(page.status).toBe(200);
    items.push(...page.body.items);
    if (!page.body.hasMore) return items;
    after = page.body.items.at(-1).seq;
  }
}

async function syncSeqs(url: string, token: string): Promise<number[]> {
  const seqs: number[] = [];
  for (let since = 0; ; ) {
    const page = await call(url, token, 'GET', `/sync?since=${since}&limit=1000`);
    expect(page.status).toBe(200);
    seqs.push(...page.body.events.map((e: { userSeq: number }) => e.userSeq));
    if (!page.body.hasMore) return seqs;
    since = seqs.at(-1)!;
  }
}

const range = (n: number) => Array.from({ length: n }, (_, i) => i + 1);

async function eventually(probe: () => boolean, what: string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!probe()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** Checks the stored state against what clients were told; resends unanswered ones and checks again. */
async function verifyAfterRestart(url: string, tokens: Map<number, string>, records: SendRecord[]) {
  const stored = await history(url, tokens.get(A)!, B);
  expect(stored.map((m) => m.seq)).toEqual(range(stored.length));
  const byClientId = new Map<string, { id: number; seq: number }[]>();
  for (const m of stored) byClientId.set(m.clientMsgId, [...(byClientId.get(m.clientMsgId) ?? []), m]);
  for (const list of byClientId.values()) expect(list).toHaveLength(1);
  const answered = records.filter((r) => r.answered);
  for (const record of answered) {
    const found = byClientId.get(record.clientMsgId);
    expect(found, `answered message ${record.clientMsgId} survived`).toBeDefined();
    expect({ id: found![0]!.id, seq: found![0]!.seq }).toEqual(record.answered);
  }
  // Nothing is stored that no client sent.
  const sent = new Set(records.map((r) => r.clientMsgId));
  for (const m of stored) expect(sent.has(m.clientMsgId)).toBe(true);

  // A client resends what it was not told about: afterwards each send exists exactly once.
  for (const record of records.filter((r) => !r.answered)) {
    const to = record.from === A ? B : A;
    const response = await call(url, tokens.get(record.from)!, 'POST', '/messages', { receiverId: to, messageType: 'TEXT', content: record.clientMsgId, clientMsgId: record.clientMsgId });
    expect([200, 201]).toContain(response.status);
    expect(response.status === 200).toBe(byClientId.has(record.clientMsgId));
  }
  const final = await history(url, tokens.get(B)!, A);
  expect(final.map((m) => m.seq)).toEqual(range(records.length));
  expect(new Set(final.map((m) => m.clientMsgId))).toEqual(sent);
  for (const user of [A, B]) expect(await syncSeqs(url, tokens.get(user)!)).toEqual(range(records.length));
  return { stored: stored.length, answered: answered.length };
}

interface Backend {
  name: string;
  available: boolean;
  env(): Promise<{ env: Record<string, string>; dispose(): Promise<void>; databaseUrl: string | null }>;
}

const BACKENDS: Backend[] = [
  {
    name: 'PGlite in a data directory',
    available: true,
    async env() {
      const dir = await mkdtemp(join(tmpdir(), 'parley-data-'));
      return { env: { PARLEY_DATA_DIR: dir }, databaseUrl: null, dispose: () => rm(dir, { recursive: true, force: true }) };
    },
  },
  {
    name: 'PostgreSQL',
    available: Boolean(TEST_DATABASE_URL),
    async env() {
      const database = await createTestDatabase();
      const dir = await mkdtemp(join(tmpdir(), 'parley-data-'));
      return {
        env: { DATABASE_URL: database.url, PARLEY_DATA_DIR: dir },
        databaseUrl: database.url,
        async dispose() {
          await database.drop();
          await rm(dir, { recursive: true, force: true });
        },
      };
    },
  },
];

for (const backend of BACKENDS) {
  describe.skipIf(!backend.available)(`durability on ${backend.name}`, () => {
    it('SIGKILL mid-stream loses no answered send; after restart each exists exactly once with gap-free seq', { timeout: 120_000 }, async () => {
      const setup = await backend.env();
      let child: Child | null = null;
      try {
        child = await startChild(setup.env);
        const tokens = new Map([
          [A, await tokenFor(A)],
          [B, await tokenFor(B)],
        ]);
        for (const user of [A, B]) expect((await call(child.url, tokens.get(user)!, 'GET', '/users/me')).status).toBe(200);

        const senders = startSenders(child.url, tokens, 8, 'kill');
        await eventually(() => senders.answeredCount() >= 150, 'answered sends before the kill');
        child.process.kill('SIGKILL');
        expect((await child.exited).signal).toBe('SIGKILL');
        await senders.done;

        child = await startChild(setup.env);
        const result = await verifyAfterRestart(child.url, tokens, senders.records);
        expect(result.answered).toBeGreaterThanOrEqual(150);
      } finally {
        child?.process.kill('SIGKILL');
        if (child) await child.exited;
        await setup.dispose();
      }
    });

    it('SIGTERM answers in-flight sends, exits 0, and keeps what it answered', { timeout: 120_000 }, async () => {
      const setup = await backend.env();
      let child: Child | null = null;
      try {
        child = await startChild(setup.env);
        const tokens = new Map([
          [A, await tokenFor(A)],
          [B, await tokenFor(B)],
        ]);
        for (const user of [A, B]) await call(child.url, tokens.get(user)!, 'GET', '/users/me');
        const senders = startSenders(child.url, tokens, 8, 'term');
        await eventually(() => senders.answeredCount() >= 100, 'answered sends before SIGTERM');

        // On PostgreSQL, hold the conversation row so that sends are certainly in flight at SIGTERM.
        let blocker: pg.Client | null = null;
        if (setup.databaseUrl) {
          blocker = new pg.Client({ connectionString: setup.databaseUrl });
          await blocker.connect();
          await blocker.query('BEGIN');
          await blocker.query('SELECT id FROM conversations FOR UPDATE');
        }
        let held: Promise<{ status: number; body: any }[]> | null = null;
        if (blocker) {
          held = Promise.all(range(4).map((i) => call(child!.url, tokens.get(A)!, 'POST', '/messages', { receiverId: B, messageType: 'TEXT', content: `held-${i}`, clientMsgId: `held-${i}` })));
          await new Promise((resolve) => setTimeout(resolve, 300));
        }
        child.process.kill('SIGTERM');
        if (blocker) {
          await new Promise((resolve) => setTimeout(resolve, 300));
          await blocker.query('COMMIT');
          await blocker.end();
        }
        const exit = await child.exited;
        expect(exit, child.output().slice(-2000)).toEqual({ code: 0, signal: null });
        await senders.done;
        const heldAnswers = held ? await held : [];
        expect(heldAnswers.map((answer) => answer.status)).toEqual(blocker ? [201, 201, 201, 201] : []);

        child = await startChild(setup.env);
        const records = [
          ...senders.records,
          ...heldAnswers.map((answer): SendRecord => ({ clientMsgId: answer.body.clientMsgId, from: A, answered: { id: answer.body.id, seq: answer.body.seq } })),
        ];
        await verifyAfterRestart(child.url, tokens, records);
      } finally {
        child?.process.kill('SIGKILL');
        if (child) await child.exited;
        await setup.dispose();
      }
    });
  });
}
