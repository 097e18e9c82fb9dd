import type { IncomingMessage } from 'node:http';
import type { ErrorCode } from '@parley/protocol';
import type { Duplex } from 'node:stream';
import { STATUS_CODES } from 'node:http';
import { WebSocketServer, type WebSocket } from 'ws';
import type { Identity } from '../../auth/token-verifier.js';
import { toClientError } from '../client-error.js';
import { ConnectionTokens } from './connection-token.js';
import { hubRefusal } from './hub-errors.js';
import { accessTokenOf, queryOf } from '../request-query.js';
import type { HubConnection } from './hub-connection.js';
import type { TransportEvents } from './hub-transport.js';
import type { SignalRRuntime } from './signalr-runtime.js';
import { HubWebSocketTransport } from './hub-websocket-transport.js';

/**
 * WebSocket upgrades of `/hubs/chat`: with `?id=<token>` (after negotiate, or a stateful resume)
 * or without (skipNegotiation: hand-written clients such as mini-programs). The offered
 * subprotocol, if any, is selected, since clients that offer one abort when none is chosen.
 */
export function webSocketUpgrade(runtime: SignalRRuntime) {
  const server = new WebSocketServer({
    noServer: true,
    // One message may batch several records; larger ones are refused before ws buffers them.
    maxPayload: runtime.deps.options.maxTransportMessageBytes,
    perMessageDeflate: false,
    handleProtocols: (protocols) => protocols.values().next().value ?? false,
  });

  const handle = async (request: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> => {
    const query = queryOf(request.url);
    let identity: Identity;
    try {
      identity = await runtime.deps.auth.authenticate(accessTokenOf(request.headers, query));
    } catch (error) {
      refuse(socket, hubRefusal(toClientError(error, runtime.deps.logger, runtime.deps.metrics, 'signalr').code).status);
      return;
    }
    const id = query.get('id');
    if (id === null) {
      if (runtime.closing) return refuse(socket, 503);
      const claims = { userId: identity.userId, connectionId: ConnectionTokens.newConnectionId(), stateful: false };
      return accept(request, socket, head, (ws) => {
        runtime.open(claims, identity, (connection) => webSocketTransport(ws, connection));
      });
    }
    const found = runtime.lookup(id);
    if (found.kind === 'unknown') return refuse(socket, 404);
    const userId = found.kind === 'new' ? found.claims.userId : found.entry.connection.userId;
    if (userId !== identity.userId) return refuse(socket, 403);
    if (found.kind === 'new') {
      const claims = found.claims;
      return accept(request, socket, head, (ws) => {
        // Re-check after the upgrade's await: two sockets racing with one token open one connection.
        if (runtime.lookup(id).kind !== 'new') return ws.terminate();
        runtime.open(claims, identity, (connection) => webSocketTransport(ws, connection));
      });
    }
    const { connection, live } = found.entry;
    if (!live) return refuse(socket, 404);
    if (!connection.canResume && !connection.canTakeOver) return refuse(socket, 409);
    return accept(request, socket, head, (ws) => {
      // The client resumes while its old socket still looks open here (a half-open drop): the new one wins.
      connection.takeOver();
      if (!connection.canResume) return ws.terminate();
      const transport = webSocketTransport(ws, connection);
      runtime.deps.table.set(connection, transport);
      connection.resume(transport);
    });
  };

  const accept = (request: IncomingMessage, socket: Duplex, head: Buffer, opened: (ws: import('ws').WebSocket) => void) => {
    server.handleUpgrade(request, socket, head, opened);
  };

  return {
    handle: (request: IncomingMessage, socket: Duplex, head: Buffer) => {
      handle(request, socket, head).catch((error) => {
        runtime.deps.logger.error({ err: error }, 'signalr: WebSocket upgrade failed');
        socket.destroy();
      });
    },
    close: () => server.close(),
  };
}

/**
 * The connection's transport, built outside the upgrade handler: callbacks made in there would
 * keep its whole scope (the upgrade request with its headers, the token, the query) alive for as
 * long as the connection lasts.
 */
function webSocketTransport(ws: WebSocket, connection: HubConnection): HubWebSocketTransport {
  const events = new WebSocketEvents(connection);
  events.transport = new HubWebSocketTransport(ws, events);
  return events.transport;
}

/**
 * A WebSocket's events, passed on to its connection: methods on one small object rather than
 * three closures and their scope, which every idle connection kept for its life.
 */
class WebSocketEvents implements TransportEvents {
  transport: HubWebSocketTransport | null = null;

  constructor(private readonly connection: HubConnection) {}

  onData(text: string): void {
    this.connection.receive(text);
  }

  onRefused(code: ErrorCode, message: string): void {
    this.connection.refuse(code, message);
  }

  onGone(graceful: boolean): void {
    if (this.transport) this.connection.transportGone(this.transport, graceful);
  }
}

function refuse(socket: Duplex, status: number): void {
  const body = STATUS_CODES[status] ?? 'Error';
  socket.end(`HTTP/1.1 ${status} ${body}\r\nConnection: close\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);
}
