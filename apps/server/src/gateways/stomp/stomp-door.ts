import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { LIMITS } from '@parley/protocol';
import { WebSocketServer, type WebSocket } from 'ws';
import { commandHandlers } from '../commands/command-handlers.js';
import type { Door, DoorContext, DoorFactory } from '../door.js';
import { SockjsServer } from '../sockjs/sockjs-server.js';
import { StompConnection, type StompConnectionDeps } from './stomp-connection.js';
import { pathnameOf, queryToken } from '../request-query.js';
import type { ClosableTransport } from '../transport.js';
import { rawDataBytes, StompWebSocketTransport } from './stomp-websocket-transport.js';

/** STOMP subprotocols; the first one the client offers is selected, as Spring does. */
const SUBPROTOCOLS = ['v12.stomp', 'v11.stomp', 'v10.stomp'];
const PREFIX = '/ws';
/** How long shutdown waits for clients to take their ERROR frame and close. */
const SHUTDOWN_GRACE_MS = 2000;

/**
 * The STOMP door at `/ws`: plain STOMP over WebSocket on `/ws` and `/ws/websocket`, and the same
 * STOMP over SockJS under `/ws/…`. Every connection is a StompConnection.
 */
export class StompDoor implements Door {
  readonly name = 'stomp';
  private readonly wss: WebSocketServer;
  private readonly sockjs: SockjsServer;
  private readonly connections = new Set<StompConnection>();
  private readonly deps: StompConnectionDeps;
  private accepting = true;
  private nextId = 0;

  constructor(private readonly context: DoorContext) {
    const { config } = context;
    this.deps = { registry: context.registry, commands: commandHandlers(context.services, context.metrics), auth: context.auth, logger: context.logger, metrics: context.metrics, options: config.stomp, onFinished: (connection) => this.connections.delete(connection) };
    this.wss = new WebSocketServer({
      noServer: true,
      // Frames over the reassembly cap still get a STOMP ERROR; far larger messages are cut by ws (1009).
      maxPayload: 4 * LIMITS.frameMaxBytes,
      perMessageDeflate: false,
      handleProtocols: (offered) => [...offered].find((p) => SUBPROTOCOLS.includes(p)) ?? false,
    });
    this.sockjs = new SockjsServer(
      { prefix: PREFIX, heartbeatMs: config.stomp.sockjsHeartbeatMs, disconnectMs: config.stomp.sockjsDisconnectMs },
      (transport, request) => {
        const connection = this.open(transport, request);
        return { receive: (message) => connection.receive(Buffer.from(message, 'utf8')), transportClosed: () => connection.transportClosed() };
      },
    );
    context.upgrades.add((pathname) => isPlainPath(pathname) || this.sockjs.matchesUpgrade(pathname), this.upgrade);
    void context.http.register(this.sockjs.routes);
  }

  async close(): Promise<void> {
    this.accepting = false;
    this.sockjs.stopAccepting();
    const live = [...this.connections];
    for (const connection of live) connection.close('shutdown');
    const deadline = Date.now() + SHUTDOWN_GRACE_MS;
    while ([...this.wss.clients].length > 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
    for (const socket of this.wss.clients) socket.terminate();
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
  }

  private upgrade = (request: IncomingMessage, socket: Duplex, head: Buffer): void => {
    if (!this.accepting) {
      socket.destroy();
      return;
    }
    const pathname = pathnameOf(request.url);
    this.wss.handleUpgrade(request, socket, head, (ws) => {
      if (!isPlainPath(pathname)) {
        this.sockjs.openWebSocket(ws, request);
        return;
      }
      this.attach(ws, this.open(new StompWebSocketTransport(ws), request));
    });
  };

  /**
   * The socket's listeners live in a scope of their own: closures made inside the upgrade
   * callback would keep its upgrade request (headers and all) alive for the connection's life.
   */
  private attach(ws: WebSocket, connection: StompConnection): void {
    ws.on('message', (data) => connection.receive(rawDataBytes(data)));
    ws.on('close', () => connection.transportClosed());
    ws.on('error', terminateSocket);
  }

  private open(transport: ClosableTransport, request: IncomingMessage): StompConnection {
    const id = `${this.context.config.nodeId}-stomp-${++this.nextId}`;
    const connection = new StompConnection(id, transport, this.deps, queryToken(request.url));
    this.connections.add(connection);
    return connection;
  }
}

/** A socket's error listener, shared by all sockets: the emitter calls it with the socket as `this`. */
function terminateSocket(this: WebSocket): void {
  this.terminate();
}

/** Opens the STOMP door (the DOORS entry). */
export const stompDoor: DoorFactory = (context) => new StompDoor(context);

function isPlainPath(pathname: string): boolean {
  return pathname === PREFIX || pathname === `${PREFIX}/` || pathname === `${PREFIX}/websocket` || pathname === `${PREFIX}/websocket/`;
}
