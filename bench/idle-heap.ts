/**
 * `npx tsx bench/idle-heap.ts ws|stomp|signalr N DIR [CHECKOUT]`: what one idle connection holds
 * on the server's heap. Starts a bench server (of CHECKOUT when given, for an A side), takes a
 * heap snapshot into DIR, opens N authenticated, subscribed connections from a separate process
 * (the connections phase's clients), takes a second snapshot, and prints the heap growth per
 * connection by object kind. Steadier than RSS on a busy machine; the snapshots are large, so
 * delete DIR afterwards. PostgreSQL scratch database as in `npm run bench`.
 */
import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { nextMessage, spawnNode, stopChild } from './processes.js';
import { parleyEnv, scratchDatabase, DEFAULT_DATABASE_URL } from './targets.js';

const [protocol, countText, dir, checkout] = process.argv.slice(2) as ['stomp' | 'signalr' | 'ws', string, string, string | undefined];
const count = Number(countText);
const secret = randomBytes(24).toString('hex');
const db = await scratchDatabase(protocol === 'ws' ? undefined : DEFAULT_DATABASE_URL);
const script = checkout ? `${checkout}/bench/bench-server.ts` : fileURLToPath(new URL('./bench-server.ts', import.meta.url));
const server = spawnNode(script, [protocol === 'ws' ? 'raw' : 'parley'], { ...parleyEnv(secret, db.env) }, ['--heapsnapshot-signal=SIGUSR2', `--diagnostic-dir=${dir}`]);
const { url } = await nextMessage<{ url: string }>(server, 'url');
const rss = async () => { const a = nextMessage<{ rss: number }>(server, 'rss'); server.send('rss'); return (await a).rss; };
const snap = async () => {
  const before = new Set(readdirSync(dir));
  await rss();
  process.kill(server.pid!, 'SIGUSR2');
  for (;;) {
    await new Promise((r) => setTimeout(r, 500));
    const fresh = readdirSync(dir).filter((f) => !before.has(f));
    if (fresh.length) {
      const file = `${dir}/${fresh[0]}`;
      let last = -1;
      for (;;) { await new Promise((r) => setTimeout(r, 2000)); const size = statSync(file).size; if (size === last) break; last = size; }
      await rss();
      return file;
    }
  }
};
const clients = spawnNode(fileURLToPath(new URL('./connection-clients.ts', import.meta.url)), [protocol, url, String(count), '100000'], { ...process.env, BENCH_JWT_SECRET: secret });
await nextMessage(clients, 'started');
const r0 = await rss();
const s0 = await snap();
const ready = nextMessage<{ readyMs: number }>(clients, 'readyMs');
clients.send('open');
await ready;
await new Promise((r) => setTimeout(r, 2000));
const r1 = await rss();
const s1 = await snap();
console.log(`rss per conn ${((r1 - r0) / count / 1024).toFixed(2)} KiB`);
await stopChild(clients);
await stopChild(server);
await db.drop();

function summarize(file: string): Map<string, { n: number; size: number }> {
  const snapshot = JSON.parse(readFileSync(file, 'utf8'));
  const meta = snapshot.snapshot.meta;
  const fields: string[] = meta.node_fields;
  const types: string[] = meta.node_types[0];
  const width = fields.length;
  const iType = fields.indexOf('type'), iName = fields.indexOf('name'), iSize = fields.indexOf('self_size');
  const out = new Map<string, { n: number; size: number }>();
  const nodes: number[] = snapshot.nodes;
  for (let i = 0; i < nodes.length; i += width) {
    const type = types[nodes[i + iType]!]!;
    let name = type === 'string' || type === 'concatenated string' || type === 'sliced string' ? '(string)' : snapshot.strings[nodes[i + iName]!];
    if (type === 'closure') name = `closure ${name}`;
    if (type === 'array') name = `array ${name}`;
    if (type === 'code' || type === 'hidden') name = `${type}`;
    const key = `${type}:${name}`.slice(0, 90);
    const e = out.get(key) ?? { n: 0, size: 0 };
    e.n++; e.size += nodes[i + iSize]!;
    out.set(key, e);
  }
  return out;
}
const a = summarize(s0), b = summarize(s1);
const rows = [...b].map(([k, v]) => ({ k, dn: (v.n - (a.get(k)?.n ?? 0)) / count, ds: (v.size - (a.get(k)?.size ?? 0)) / count })).sort((x, y) => y.ds - x.ds);
let total = 0; for (const r of rows) total += r.ds;
console.log(`heap delta per connection: ${(total).toFixed(0)} B`);
for (const r of rows.slice(0, 45)) console.log(`${r.ds.toFixed(1).padStart(8)} B  ${r.dn.toFixed(2).padStart(6)}/conn  ${r.k}`);
