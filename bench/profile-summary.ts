/**
 * `tsx bench/profile-summary.ts FILE.cpuprofile [N]`: where a V8 CPU profile spent its time —
 * self time by function and by area (our code, PGlite, pg, ws, Node internals, idle), in percent.
 */
import { readFile } from 'node:fs/promises';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

const [file, topText] = process.argv.slice(2);
if (!file) throw new Error('usage: profile-summary FILE.cpuprofile [N]');
const profile = JSON.parse(await readFile(file, 'utf8')) as Profile;
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const selfTime = new Map<number, number>();
profile.samples.forEach((id, i) => selfTime.set(id, (selfTime.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));
const total = [...selfTime.values()].reduce((a, b) => a + b, 0);

function area(node: ProfileNode): string {
  const { functionName, url } = node.callFrame;
  if (functionName === '(idle)') return 'idle (waiting for I/O)';
  if (functionName === '(garbage collector)') return 'garbage collector';
  if (url.includes('@electric-sql/pglite')) return 'PGlite';
  if (url.includes('/node_modules/pg')) return 'pg driver';
  if (url.includes('/node_modules/ws/')) return 'ws';
  if (url.includes('/node_modules/')) return 'other libraries';
  if (url.includes('/apps/server/') || url.includes('/packages/')) return 'Parley code';
  if (url.startsWith('node:') || url === '') return 'Node internals and native';
  return 'other';
}

const byFunction = new Map<string, number>();
const byArea = new Map<string, number>();
for (const [id, time] of selfTime) {
  const node = byId.get(id)!;
  const where = node.callFrame.url.replace(/^.*\/(node_modules|apps|packages)\//, '$1/');
  const key = `${node.callFrame.functionName || '(anonymous)'} ${where}:${node.callFrame.lineNumber + 1}`;
  byFunction.set(key, (byFunction.get(key) ?? 0) + time);
  byArea.set(area(node), (byArea.get(area(node)) ?? 0) + time);
}
const pct = (t: number) => `${((100 * t) / total).toFixed(1)}%`;
console.log(`${(total / 1e6).toFixed(1)} s sampled\n\nby area:`);
for (const [name, time] of [...byArea].sort((a, b) => b[1] - a[1])) console.log(`  ${pct(time).padStart(6)}  ${name}`);
console.log(`\ntop functions (self time):`);
for (const [name, time] of [...byFunction].sort((a, b) => b[1] - a[1]).slice(0, Number(topText ?? 20))) console.log(`  ${pct(time).padStart(6)}  ${name}`);
