/**
 * The connection generator of `npm run bench` (its own process, so the server's RSS is not
 * mixed with the clients'): on "open" it opens `count` connections at once, each
 * authenticated and subscribed as a real client of that protocol would be, and reports how
 * long until the last one was ready. On "sync" every user resyncs through `GET /sync` (256
 * requests at a time over keep-alive connections) and it reports how long until the last
 * answer. Connections stay open, with the protocol's heartbeats, until "stop".
 *
 * argv: protocol (`ws` | `stomp` | `signalr`), server URL, count, first user id; env
 * BENCH_JWT_SECRET signs the tokens.
 */
import { Agent, request } from 'node:http';
import { performance } from 'node:perf_hooks';
import WebSocket from 'ws';
import { signTokens } from './tokens.js';

type Protocol = 'ws' | 'stomp' | 'signalr';
const [protocol, url, countText, firstText] = process.argv.slice(2) as [Protocol, string, string, string];
const count = Number(countText);
const first = Number(firstText);
const wsBase = url.replace(/^http/, 'ws');
const RECORD_SEPARATOR = '\u001e';
const ids = Array.from({ length: count }, (_, i) => first + i);
const tokens = protocol === 'ws' ? new Map<number, string>() : await signTokens(process.env.BENCH_JWT_SECRET ?? '', ids);
const sockets: WebSocket[] = [];

function openOne(id: number): Promise<void> {
  const token = tokens.get(id) ?? '';
  const target =
    protocol === 'ws' ? `${wsBase}/?user=${id}` : protocol === 'stomp' ? `${wsBase}/ws` : `${wsBase}/hubs/chat?access_token=${encodeURIComponent(token)}`;
  const socket = new WebSocket(target, protocol === 'stomp' ? ['v12.stomp'] : [], { perMessageDeflate: false });
  sockets.push(socket);
  return new Promise<void>((resolve, reject) => {
    socket.once('error', reject);
    socket.once('open', () => {
      if (protocol === 'ws') return resolve();
      if (protocol === 'stomp') {
        socket.send(`CONNECT\naccept-version:1.2,1.1,1.0\nheart-beat:10000,10000\nAuthorization:Bearer ${token}\n\n\0`);
        socket.send('SUBSCRIBE\nid:sub-0\ndestination:/user/queue/messages\nreceipt:ready\n\n\0');
      } else {
        socket.send(`{"protocol":"json","version":1}${RECORD_SEPARATOR}`);
      }
    });
    socket.on('message', (data: Buffer) => {
      const text = data.toString('utf8');
      if (protocol === 'stomp' ? text.startsWith('RECEIPT') : text.startsWith('{}')) resolve();
      else if (text.startsWith('ERROR') || text.includes('"error"')) reject(new Error(text.slice(0, 200)));
    });
  });
}

async function openWithRetry(id: number): Promise<void> {
  // A storm can overflow the listen backlog: a refused or reset attempt is retried, as clients do.
  for (let attempt = 1; ; attempt++) {
    try {
      return await openOne(id);
    } catch (error) {
      if (attempt >= 5) throw error;
      await new Promise((resolve) => setTimeout(resolve, 100 * attempt));
    }
  }
}

async function syncAll(): Promise<void> {
  const agent = new Agent({ keepAlive: true, maxSockets: 256 });
  const target = new URL('/sync', url);
  await Promise.all(
    ids.map(
      (id) =>
        new Promise<void>((resolve, reject) => {
          const req = request(target, { agent, headers: { authorization: `Bearer ${tokens.get(id)}` } }, (res) => {
            res.resume();
            res.once('end', () => (res.statusCode === 200 ? resolve() : reject(new Error(`/sync answered ${res.statusCode}`))));
          });
          req.once('error', reject);
          req.end();
        }),
    ),
  );
  agent.destroy();
}

// Idle clients still send what real ones send: STOMP heart-beats, SignalR pings.
const keepAlive = setInterval(() => {
  const beat = protocol === 'stomp' ? '\n' : protocol === 'signalr' ? `{"type":6}${RECORD_SEPARATOR}` : null;
  if (beat) for (const socket of sockets) if (socket.readyState === WebSocket.OPEN) socket.send(beat);
}, 5_000);

process.on('message', async (message) => {
  if (message === 'open') {
    const started = performance.now();
    await Promise.all(ids.map(openWithRetry));
    process.send!({ readyMs: performance.now() - started });
  } else if (message === 'sync') {
    const started = performance.now();
    await syncAll();
    process.send!({ syncedMs: performance.now() - started });
  } else {
    clearInterval(keepAlive);
    for (const socket of sockets) socket.terminate();
    process.exit(0);
  }
});
process.on('disconnect', () => process.exit(0));
process.send!({ started: true });
