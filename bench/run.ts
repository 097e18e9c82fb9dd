/**
 * `npm run bench`: every system driven by the same generator in one run, printed as one table.
 *
 *   closed       closed loop, 100 pairs (4 in flight per user) and 1,000 pairs (1 in flight)
 *   open         open loop over 1,000 pairs at 2,000 and 5,000 msg/s: p50/p99 send → receive
 *   connections  N idle connections from a separate process (server RSS per connection) opened
 *                all at once (time until all are subscribed, then until all resynced via /sync)
 *   two-node     one node against two nodes joined by Redis
 *
 * Flags: --phases=closed,open,connections,two-node  --targets=raw,socketio,postgres,pglite
 *        --connections=10000 (or BENCH_CONNECTIONS)  --rounds=1 (targets interleaved per round;
 *        the table shows medians)  --measure=8 (seconds per run, after 2 s of warm-up)
 *        --baseline-checkout=DIR (adds "postgres-a": Parley from another checkout of this
 *        repository, for A/B comparisons of a change within one run)
 *        --cpu-prof=DIR (Parley servers write a V8 CPU profile there when they stop)
 * PostgreSQL: a scratch database on PARLEY_BENCH_DATABASE_URL (default local `test`), dropped
 * afterwards; PGlite in a temporary directory.
 */
import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import { runConnectionPhase, type ConnectionFigures } from './connection-phase.js';
import { OPEN_FILES, startServer, type RunningServer } from './processes.js';
import { StompLoad, type LoadResult } from './stomp-load.js';
import { DEFAULT_DATABASE_URL, describeMachine, loadTarget, parleyEnv, scratchDatabase, type TargetKey, type TargetSpec } from './targets.js';
import { signTokens } from './tokens.js';
import { runTwoNodeBench } from './two-node.js';

const { values: flags } = parseArgs({
  options: {
    phases: { type: 'string', default: 'closed,open,connections,two-node' },
    targets: { type: 'string', default: 'raw,socketio,postgres,pglite' },
    connections: { type: 'string', default: process.env.BENCH_CONNECTIONS ?? '10000' },
    rounds: { type: 'string', default: '1' },
    measure: { type: 'string', default: '8' },
    'baseline-checkout': { type: 'string' },
    'cpu-prof': { type: 'string' },
  },
});
const phases = new Set(flags.phases.split(','));
const targetKeys = new Set(flags.targets.split(',') as TargetKey[]);
const ROUNDS = Number(flags.rounds);
const MEASURE_S = Number(flags.measure);
const WARMUP_S = 2;
const CONNECTIONS = Number(flags.connections);
const databaseUrl = process.env.PARLEY_BENCH_DATABASE_URL ?? DEFAULT_DATABASE_URL;

const ALL_TARGETS: TargetSpec[] = [
  { key: 'raw', label: 'raw ws forwarder', mode: 'raw' },
  { key: 'socketio', label: 'Socket.IO 4 relay', mode: 'socketio' },
  { key: 'postgres', label: 'Parley, PostgreSQL', mode: 'parley' },
  { key: 'pglite', label: 'Parley, embedded PGlite', mode: 'parley' },
];
if (flags['baseline-checkout']) {
  targetKeys.add('postgres-a');
  ALL_TARGETS.push({ key: 'postgres-a', label: 'Parley (A), PostgreSQL', mode: 'parley', checkout: flags['baseline-checkout'] });
}
const targets = ALL_TARGETS.filter((t) => targetKeys.has(t.key));

interface LoadRun {
  name: string;
  pairs: number;
  run: (load: StompLoad) => Promise<LoadResult>;
}
const LOAD_RUNS: LoadRun[] = [
  ...(phases.has('closed')
    ? [
        { name: '100 pairs, closed loop (4 in flight per user)', pairs: 100, run: (l: StompLoad) => l.closedLoop(4, WARMUP_S, MEASURE_S) },
        { name: '1,000 pairs, closed loop (1 in flight per user)', pairs: 1000, run: (l: StompLoad) => l.closedLoop(1, WARMUP_S, MEASURE_S) },
      ]
    : []),
  ...(phases.has('open')
    ? [2000, 5000].map((rate) => ({ name: `1,000 pairs, open loop ${rate.toLocaleString('en')} msg/s`, pairs: 1000, run: (l: StompLoad) => l.fixedRate(rate, WARMUP_S, MEASURE_S) }))
    : []),
];

interface Row {
  figure: string;
  system: string;
  value: number;
  unit: string;
  /** Baselines of the same figure, when they exist: the ratio column divides by them. */
  raw?: number;
  socketio?: number;
}
const rows: Row[] = [];
const secret = randomBytes(24).toString('hex');
const cleanups: (() => Promise<void>)[] = [];
// Interrupted (Ctrl-C, a timeout): still drop the scratch databases and stop the servers.
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, async () => {
    for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
    process.exit(130);
  });
}

try {
  if (LOAD_RUNS.length > 0) await loadPhases();
  if (phases.has('connections')) await connectionPhase();
  if (phases.has('two-node')) {
    const { single, cross } = await runTwoNodeBench();
    rows.push({ figure: 'two nodes joined by Redis, 100 pairs closed loop', system: 'Parley, PostgreSQL, one node', value: single.perSecond, unit: 'msg/s' });
    rows.push({ figure: 'two nodes joined by Redis, 100 pairs closed loop', system: 'Parley, PostgreSQL, two nodes (vs one)', value: cross.perSecond, unit: 'msg/s', raw: single.perSecond });
  }
} finally {
  for (const cleanup of cleanups.reverse()) await cleanup();
}
print();
process.exit(0);

async function loadPhases(): Promise<void> {
  const tokens = await signTokens(secret, range(1, 2000));
  const servers = new Map<TargetKey, RunningServer>();
  cleanups.push(async () => {
    for (const server of servers.values()) await server.stop();
  });
  for (const target of targets) servers.set(target.key, await startTarget(target));
  const results = new Map<string, LoadResult[]>();
  for (let round = 1; round <= ROUNDS; round++) {
    for (const run of LOAD_RUNS) {
      // Each round starts one system later, so no system always runs first (after an idle
      // machine) or right after another one's load.
      for (const target of rotated(targets, round - 1)) {
        const load = new StompLoad(loadTarget(target.mode, servers.get(target.key)!.url, tokens), run.pairs, 1);
        await load.connect();
        const result = await run.run(load);
        await load.close();
        const key = `${run.name}\u0000${target.key}`;
        results.set(key, [...(results.get(key) ?? []), result]);
        console.error(`[bench] round ${round}: ${run.name}, ${target.label}: ${result.perSecond.toFixed(0)} msg/s, p50 ${result.p50Ms.toFixed(1)} ms, p99 ${result.p99Ms.toFixed(1)} ms`);
      }
    }
  }
  for (const run of LOAD_RUNS) {
    const of = (key: TargetKey) => results.get(`${run.name}\u0000${key}`);
    const median = (key: TargetKey, pick: (r: LoadResult) => number) => {
      const values = of(key)?.map(pick).sort((a, b) => a - b);
      if (!values?.length) return undefined;
      const middle = values.length / 2;
      return Number.isInteger(middle) ? (values[middle - 1]! + values[middle]!) / 2 : values[Math.floor(middle)];
    };
    const open = run.name.includes('open loop');
    for (const target of targets) {
      const rate = median(target.key, (r) => r.perSecond)!;
      rows.push({ figure: `${run.name}: delivered`, system: target.label, value: rate, unit: 'msg/s', raw: median('raw', (r) => r.perSecond), socketio: median('socketio', (r) => r.perSecond) });
      if (open) rows.push({ figure: `${run.name}: p50 send → receive`, system: target.label, value: median(target.key, (r) => r.p50Ms)!, unit: 'ms', raw: median('raw', (r) => r.p50Ms), socketio: median('socketio', (r) => r.p50Ms) });
      rows.push({ figure: `${run.name}: p99 send → receive`, system: target.label, value: median(target.key, (r) => r.p99Ms)!, unit: 'ms', raw: median('raw', (r) => r.p99Ms), socketio: median('socketio', (r) => r.p99Ms) });
    }
  }
}

async function connectionPhase(): Promise<void> {
  const parley = targets.find((t) => t.key === 'postgres') ?? targets.find((t) => t.key === 'pglite') ?? ALL_TARGETS[2]!;
  const baseline = targets.find((t) => t.key === 'postgres-a');
  const where = parley.label.replace('Parley, ', '');
  // Each run: a protocol against one server. With a baseline checkout, its STOMP and SignalR runs
  // sit right after this checkout's, so both see the same machine load.
  const runs = [
    { key: 'ws', protocol: 'ws' as const, target: ALL_TARGETS[0]!, system: 'bare ws (raw forwarder)' },
    ...(['stomp', 'signalr'] as const).flatMap((protocol) => {
      const name = protocol === 'stomp' ? 'STOMP' : 'SignalR';
      return [
        { key: protocol, protocol, target: parley, system: `Parley ${name}, ${where}` },
        ...(baseline ? [{ key: `${protocol}-a`, protocol, target: baseline, system: `Parley (A) ${name}, ${where}` }] : []),
      ];
    }),
  ];
  const figures = new Map<string, ConnectionFigures[]>();
  for (let round = 1; round <= ROUNDS; round++) {
    for (const run of runs) {
      const server = await startTarget(run.target);
      let f: ConnectionFigures;
      try {
        f = await runConnectionPhase(run.protocol, server, CONNECTIONS, secret);
      } finally {
        await server.stop();
      }
      figures.set(run.key, [...(figures.get(run.key) ?? []), f]);
      console.error(`[bench] round ${round}: ${CONNECTIONS} connections, ${run.system}: ready in ${f.readyMs.toFixed(0)} ms, ${(f.rssBytesPerConnection / 1024).toFixed(1)} KiB each${f.syncedMs === undefined ? '' : `, all synced in ${f.syncedMs.toFixed(0)} ms`}`);
    }
  }
  const median = (key: string, pick: (f: ConnectionFigures) => number | undefined) => {
    const values = (figures.get(key) ?? []).map(pick).filter((v): v is number => v !== undefined).sort((a, b) => a - b);
    if (values.length === 0) return undefined;
    const middle = values.length / 2;
    return Number.isInteger(middle) ? (values[middle - 1]! + values[middle]!) / 2 : values[Math.floor(middle)]!;
  };
  const bareRss = median('ws', (f) => f.rssBytesPerConnection)! / 1024;
  const bareRate = (CONNECTIONS * 1000) / median('ws', (f) => f.readyMs)!;
  const n = CONNECTIONS.toLocaleString('en');
  for (const run of runs) {
    rows.push({ figure: `${n} idle connections: server RSS per connection`, system: run.system, value: median(run.key, (f) => f.rssBytesPerConnection)! / 1024, unit: 'KiB', raw: bareRss });
    rows.push({ figure: `${n} clients connecting at once: set-up rate (until all subscribed)`, system: run.system, value: (CONNECTIONS * 1000) / median(run.key, (f) => f.readyMs)!, unit: 'conn/s', raw: bareRate });
    const synced = median(run.key, (f) => (f.syncedMs === undefined ? undefined : f.readyMs + f.syncedMs));
    if (synced !== undefined) rows.push({ figure: `${n} clients connecting at once: until all resynced via /sync`, system: run.system, value: synced, unit: 'ms' });
  }
}

async function startTarget(target: TargetSpec): Promise<RunningServer> {
  if (target.mode !== 'parley') return startServer(target.mode, process.env);
  const database = await scratchDatabase(target.key === 'pglite' ? undefined : databaseUrl);
  cleanups.push(database.drop);
  return startServer('parley', parleyEnv(secret, database.env), target.checkout, flags['cpu-prof']);
}

function print(): void {
  const f = (n: number | undefined, digits: number) => (n !== undefined && Number.isFinite(n) ? n.toLocaleString('en', { maximumFractionDigits: digits, minimumFractionDigits: digits }) : '—');
  const ratio = (value: number, base: number | undefined) => (base ? `${f(value / base, 2)}×` : '—');
  console.log(`\nParley bench — ${describeMachine()}; child processes raise ulimit -n to ${OPEN_FILES} where allowed\n`);
  console.log('| figure | system | value | vs raw ws | vs Socket.IO |');
  console.log('| --- | --- | ---: | ---: | ---: |');
  for (const row of rows) {
    const digits = row.unit === 'ms' || row.unit === 'KiB' ? 1 : 0;
    console.log(`| ${row.figure} | ${row.system} | ${f(row.value, digits)} ${row.unit} | ${ratio(row.value, row.raw)} | ${ratio(row.value, row.socketio)} |`);
  }
}

function rotated<T>(items: readonly T[], by: number): T[] {
  const start = by % items.length;
  return [...items.slice(start), ...items.slice(0, start)];
}

function range(first: number, count: number): number[] {
  return Array.from({ length: count }, (_, i) => first + i);
}
