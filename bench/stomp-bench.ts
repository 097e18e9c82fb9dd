/**
 * STOMP door benchmark: N pairs of STOMP users on loopback against Parley (durable: every
 * message is committed before it is pushed) and against a raw `ws` forwarder driven by the same
 * generator. Prints delivered messages/s, p50/p99 end-to-end latency, and the ratios.
 * PGlite in a scratch directory by default; PostgreSQL when PARLEY_BENCH_DATABASE_URL is set
 * (a scratch database is created on that server and dropped afterwards).
 */
import { fork, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SignJWT } from 'jose';
import { createScratchDatabase } from './scratch-database.js';
import { StompLoad, type LoadResult, type LoadTarget } from './stomp-load.js';

export interface StompBenchOptions {
  pairs: number[];
  /** Messages each user keeps in flight in the closed-loop runs, by pair count. */
  window: (pairs: number) => number;
  fixedRate: { pairs: number; perSecond: number };
  warmupS: number;
  measureS: number;
}

export const DEFAULT_OPTIONS: StompBenchOptions = {
  pairs: [100, 1000],
  window: (pairs) => (pairs >= 1000 ? 1 : 4),
  fixedRate: { pairs: 100, perSecond: 2000 },
  warmupS: 2,
  measureS: 8,
};

interface Row {
  run: string;
  parley: LoadResult;
  raw: LoadResult;
}

const SERVER = fileURLToPath(new URL('./bench-server.ts', import.meta.url));

export function describeMachine(): string {
  const cpu = cpus();
  return `${cpu.length} × ${cpu[0]?.model ?? 'unknown CPU'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB RAM, Node ${process.version}, ${process.platform}`;
}

/** HS256 access tokens for users 1..count, signed with `secret` (the servers get it as JWT_SECRET). */
export async function signTokens(secret: string, count: number): Promise<Map<number, string>> {
  const key = new TextEncoder().encode(secret);
  const tokens = new Map<number, string>();
  for (let id = 1; id <= count; id++) {
    tokens.set(id, await new SignJWT({ name: `bench-${id}` }).setProtectedHeader({ alg: 'HS256' }).setSubject(String(id)).setExpirationTime('1h').sign(key));
  }
  return tokens;
}

/** CONNECT and SUBSCRIBE as @stomp/stompjs writes them; the receipt tells the generator it is ready. */
export function stompHandshake(tokens: Map<number, string>): (id: number) => string[] {
  return (id) => [
    `CONNECT\naccept-version:1.2,1.1,1.0\nheart-beat:10000,10000\nAuthorization:Bearer ${tokens.get(id)}\n\n\0`,
    'SUBSCRIBE\nid:sub-0\ndestination:/user/queue/messages\nreceipt:ready\n\n\0',
  ];
}

export async function runStompBench(options: StompBenchOptions = DEFAULT_OPTIONS): Promise<Row[]> {
  const secret = randomBytes(24).toString('hex');
  const database = await scratchDatabase(process.env.PARLEY_BENCH_DATABASE_URL);
  const tokens = await signTokens(secret, 2 * Math.max(...options.pairs, options.fixedRate.pairs));

  const results: Record<string, Record<string, LoadResult>> = {};
  try {
    for (const mode of ['parley', 'raw'] as const) {
      // Every simulated user connects from loopback, one address: the per-address cap would refuse most.
      const env = { ...process.env, JWT_SECRET: secret, PARLEY_DEV_AUTH: 'false', PARLEY_SEND_RATE: '1000000', PARLEY_SEND_BURST: '1000000', PARLEY_MAX_CONNECTIONS_PER_ADDRESS: '0', LOG_LEVEL: 'silent', ...database.env };
      const server = await startServer(mode, env);
      try {
        const wsBase = server.url.replace(/^http/, 'ws');
        const target: LoadTarget =
          mode === 'parley'
            ? { wsUrl: () => `${wsBase}/ws`, handshake: stompHandshake(tokens) }
            : { wsUrl: (id) => `${wsBase}/?user=${id}`, handshake: () => [] };
        for (const pairs of options.pairs) {
          const load = new StompLoad(target, pairs, 1);
          await load.connect();
          (results[`${pairs} pairs, closed loop (${options.window(pairs)} in flight per user)`] ??= {})[mode] = await load.closedLoop(options.window(pairs), options.warmupS, options.measureS);
          await load.close();
          log(mode, pairs, 'closed loop done');
        }
        const load = new StompLoad(target, options.fixedRate.pairs, 1);
        await load.connect();
        (results[`${options.fixedRate.pairs} pairs, fixed ${options.fixedRate.perSecond} msg/s`] ??= {})[mode] = await load.fixedRate(options.fixedRate.perSecond, options.warmupS, options.measureS);
        await load.close();
        log(mode, options.fixedRate.pairs, 'fixed rate done');
      } finally {
        await server.stop();
      }
    }
  } finally {
    await database.drop();
  }
  const rows = Object.entries(results).map(([run, r]) => ({ run, parley: r.parley!, raw: r.raw! }));
  print(rows, database.name);
  return rows;
}

function print(rows: Row[], database: string): void {
  const f = (n: number, digits = 1) => (Number.isFinite(n) ? n.toFixed(digits) : '—');
  console.log(`\nSTOMP door vs raw ws forwarder — ${describeMachine()}; Parley on ${database}\n`);
  console.log('| run | Parley msg/s | raw msg/s | ratio | Parley p50 / p99 ms | raw p50 / p99 ms | p99 ratio |');
  console.log('| --- | ---: | ---: | ---: | ---: | ---: | ---: |');
  for (const { run, parley, raw } of rows) {
    console.log(
      `| ${run} | ${f(parley.perSecond, 0)} | ${f(raw.perSecond, 0)} | ${f(parley.perSecond / raw.perSecond, 2)}× | ${f(parley.p50Ms)} / ${f(parley.p99Ms)} | ${f(raw.p50Ms)} / ${f(raw.p99Ms)} | ${f(parley.p99Ms / raw.p99Ms, 2)}× |`,
    );
  }
}

export function log(mode: string, pairs: number, what: string): void {
  console.error(`[bench] ${mode} ${pairs} pairs: ${what}`);
}

export async function startServer(mode: 'parley' | 'raw', env: NodeJS.ProcessEnv): Promise<{ url: string; stop(): Promise<void> }> {
  const child: ChildProcess = fork(SERVER, [mode], { execArgv: ['--import', 'tsx'], env, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const url = await new Promise<string>((resolve, reject) => {
    child.once('message', (message) => resolve((message as { url: string }).url));
    child.once('exit', (code) => reject(new Error(`${mode} server exited with ${code}`)));
  });
  return {
    url,
    stop: () =>
      new Promise<void>((resolve) => {
        const force = setTimeout(() => child.kill('SIGKILL'), 15_000);
        child.once('exit', () => {
          clearTimeout(force);
          resolve();
        });
        child.send('stop');
      }),
  };
}

/** PGlite in a fresh directory, or a scratch database on the PostgreSQL server at `adminUrl`. */
export async function scratchDatabase(adminUrl: string | undefined): Promise<{ name: string; env: Record<string, string>; drop(): Promise<void> }> {
  if (!adminUrl) {
    const dir = await mkdtemp(join(tmpdir(), 'parley-bench-'));
    return { name: 'embedded PGlite', env: { PARLEY_DATA_DIR: dir }, drop: () => rm(dir, { recursive: true, force: true }) };
  }
  const database = await createScratchDatabase(adminUrl);
  return { name: `PostgreSQL (${new URL(adminUrl).host})`, env: { DATABASE_URL: database.url }, drop: database.drop };
}
