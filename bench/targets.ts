/** The systems `npm run bench` drives with one generator, and how the generator speaks to each. */
import { mkdtemp, rm } from 'node:fs/promises';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { createScratchDatabase } from './scratch-database.js';
import type { ServerMode } from './processes.js';
import type { Framing, LoadTarget } from './stomp-load.js';

export type TargetKey = 'raw' | 'socketio' | 'postgres' | 'pglite' | 'postgres-a';

export interface TargetSpec {
  key: TargetKey;
  label: string;
  mode: ServerMode;
  /** Another checkout whose bench server runs instead of this one (the A side of an A/B run). */
  checkout?: string;
}

export const DEFAULT_DATABASE_URL = 'postgres://postgres@127.0.0.1:5432/test';

export function describeMachine(): string {
  const cpu = cpus();
  return `${cpu.length} × ${cpu[0]?.model ?? 'unknown CPU'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB RAM, Node ${process.version}, ${process.platform}`;
}

/** The settings every Parley under load gets: no rate limit and no per-address cap (all clients share 127.0.0.1). */
export function parleyEnv(secret: string, database: Record<string, string>): NodeJS.ProcessEnv {
  return {
    ...process.env,
    ...database,
    JWT_SECRET: secret,
    PARLEY_DEV_AUTH: 'false',
    PARLEY_SEND_RATE: '1000000',
    PARLEY_SEND_BURST: '1000000',
    PARLEY_MAX_CONNECTIONS_PER_ADDRESS: '0',
    LOG_LEVEL: 'silent',
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

/** CONNECT and SUBSCRIBE as @stomp/stompjs writes them; the receipt tells the generator it is ready. */
export function stompHandshake(tokens: Map<number, string>): (id: number) => string[] {
  return (id) => [
    `CONNECT\naccept-version:1.2,1.1,1.0\nheart-beat:10000,10000\nAuthorization:Bearer ${tokens.get(id)}\n\n\0`,
    'SUBSCRIBE\nid:sub-0\ndestination:/user/queue/messages\nreceipt:ready\n\n\0',
  ];
}

/**
 * Engine.IO 4 / Socket.IO 5 packets written by hand on the same `ws` sockets the other targets
 * use, so the generator costs the same for every target: `40` joins the default namespace,
 * `42[...]` is an event, `2` is the server's ping and `3` the answer.
 */
const SOCKET_IO_FRAMING: Framing = {
  subprotocols: [],
  isReady: (text) => text.startsWith('40'),
  wrap: (frame) => `42${JSON.stringify(['m', frame])}`,
  unwrap: (text, reply) => {
    if (text === '2') reply('3');
    if (!text.startsWith('42')) return text.startsWith('40') ? text : null;
    const [, frame] = JSON.parse(text.slice(2)) as [string, string];
    return frame;
  },
};

export function loadTarget(mode: ServerMode, url: string, tokens: Map<number, string>): LoadTarget {
  const wsBase = url.replace(/^http/, 'ws');
  if (mode === 'parley') return { wsUrl: () => `${wsBase}/ws`, handshake: stompHandshake(tokens) };
  if (mode === 'raw') return { wsUrl: (id) => `${wsBase}/?user=${id}`, handshake: () => [] };
  return { wsUrl: (id) => `${wsBase}/socket.io/?EIO=4&transport=websocket&user=${id}`, handshake: () => ['40'], framing: SOCKET_IO_FRAMING };
}
