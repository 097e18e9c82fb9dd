/**
 * One protocol of the connections phase: the server's RSS before, N connections opened at once
 * from a separate process, the RSS after (both after a full collection), then every user's
 * resync through `/sync`.
 */
import { fileURLToPath } from 'node:url';
import { nextMessage, spawnNode, stopChild, type RunningServer } from './processes.js';

export interface ConnectionFigures {
  readyMs: number;
  rssBytesPerConnection: number;
  /** Time for every user's `/sync` after the last connection was ready (not for bare `ws`). */
  syncedMs?: number;
}

const CLIENTS = fileURLToPath(new URL('./connection-clients.ts', import.meta.url));
/** Far above the load phases' users, so these users are new to the server. */
const FIRST_USER_ID = 100_000;

export async function runConnectionPhase(protocol: 'ws' | 'stomp' | 'signalr', server: RunningServer, count: number, secret: string): Promise<ConnectionFigures> {
  const clients = spawnNode(CLIENTS, [protocol, server.url, String(count), String(FIRST_USER_ID)], { ...process.env, BENCH_JWT_SECRET: secret });
  try {
    await nextMessage(clients, 'started');
    const before = await server.rss();
    const ready = nextMessage<{ readyMs: number }>(clients, 'readyMs');
    clients.send('open');
    const { readyMs } = await ready;
    const after = await server.rss();
    const figures: ConnectionFigures = { readyMs, rssBytesPerConnection: (after - before) / count };
    if (protocol !== 'ws') {
      const synced = nextMessage<{ syncedMs: number }>(clients, 'syncedMs');
      clients.send('sync');
      figures.syncedMs = (await synced).syncedMs;
    }
    return figures;
  } finally {
    await stopChild(clients);
  }
}
