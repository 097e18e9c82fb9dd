import type { IncomingMessage, Server, ServerOptions } from 'node:http';
import type { Socket } from 'node:net';
import type { HttpClientLimits } from '../config.js';

export type CutOffReason = 'slow-body' | 'too-many-connections';

export interface CutOff {
  reason: CutOffReason;
  address: string;
}

/**
 * Options for `http.createServer`: Node itself enforces the header timeout, on every connection and
 * before any route sees the request. `requestTimeout` stays off because it would also end a large
 * upload on a slow mobile link; the body rate rule bounds bodies instead.
 */
export function slowClientServerOptions(limits: HttpClientLimits): ServerOptions {
  return {
    headersTimeout: limits.headersTimeoutMs,
    requestTimeout: 0,
    // Node checks the header timeout on this tick (30 s by default, far coarser than the timeout).
    connectionsCheckingInterval: Math.max(20, Math.min(1000, Math.round(limits.headersTimeoutMs / 5))),
  };
}

interface WatchedBody {
  request: IncomingMessage;
  socket: Socket;
  bytesAtStart: number;
  /** Time the client could have sent but the server was not holding it back. */
  clientMs: number;
  lastTick: number;
}

/** `::ffff:10.0.0.1` and `10.0.0.1` are one client. */
function addressOf(socket: Socket): string | null {
  const address = socket.remoteAddress;
  if (!address) return null;
  return address.startsWith('::ffff:') ? address.slice(7) : address;
}

/**
 * Guards a Node HTTP server against slow and greedy clients, below every door, so Fastify routes,
 * SockJS and SignalR HTTP transports and uploads are covered alike.
 *
 * Body rate: the rule of Kestrel's MinRequestBodyDataRate. After the grace period, a request
 * whose body has arrived at a lower average rate than the minimum loses its connection. Bytes are
 * counted on the socket, never by listening to the request stream, which would switch the stream
 * to flowing mode and take data from the route that reads it. Time during which the server
 * holds the client back (the request's buffer is full because the route reads slowly, or the
 * event loop was stalled) is not counted against the client.
 *
 * Connections per address: counted from accept to close; a connection over the cap is closed at
 * once, before it costs a parser, a request or a session. An upgraded WebSocket keeps counting,
 * but its bytes belong to its door and no body rule applies to it.
 */
export function guardAgainstSlowClients(server: Server, limits: HttpClientLimits, onCutOff: (cutOff: CutOff) => void = () => {}): void {
  const tickMs = Math.max(20, Math.min(1000, Math.round(limits.bodyGraceMs / 5)));
  const watched = new Set<WatchedBody>();
  let ticker: NodeJS.Timeout | null = null;

  const tick = () => {
    const now = Date.now();
    for (const body of watched) {
      const { request, socket } = body;
      if (request.complete || socket.destroyed) {
        watched.delete(body);
        continue;
      }
      const serverHoldsBack = request.readableLength >= request.readableHighWaterMark;
      if (!serverHoldsBack) body.clientMs += Math.min(now - body.lastTick, 2 * tickMs);
      body.lastTick = now;
      if (body.clientMs <= limits.bodyGraceMs) continue;
      const received = socket.bytesRead - body.bytesAtStart;
      if (received * 1000 < limits.minBodyRateBps * body.clientMs) {
        watched.delete(body);
        socket.destroy();
        onCutOff({ reason: 'slow-body', address: addressOf(socket) ?? 'unknown' });
      }
    }
    if (watched.size === 0 && ticker) {
      clearInterval(ticker);
      ticker = null;
    }
  };

  if (limits.minBodyRateBps > 0) {
    server.on('request', (request: IncomingMessage) => {
      if (request.complete) return;
      const socket = request.socket;
      watched.add({ request, socket, bytesAtStart: socket.bytesRead, clientMs: 0, lastTick: Date.now() });
      if (!ticker) {
        ticker = setInterval(tick, tickMs);
        ticker.unref();
      }
    });
  }

  if (limits.maxConnectionsPerAddress > 0) {
    const open = new Map<string, number>();
    server.on('connection', (socket: Socket) => {
      const address = addressOf(socket);
      if (address === null) return;
      const count = open.get(address) ?? 0;
      if (count >= limits.maxConnectionsPerAddress) {
        socket.destroy();
        onCutOff({ reason: 'too-many-connections', address });
        return;
      }
      open.set(address, count + 1);
      socket.once('close', () => {
        const left = (open.get(address) ?? 1) - 1;
        if (left > 0) open.set(address, left);
        else open.delete(address);
      });
    });
  }

  server.once('close', () => {
    if (ticker) clearInterval(ticker);
    ticker = null;
    watched.clear();
  });
}
