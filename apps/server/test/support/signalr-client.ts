import { HttpTransportType, HubConnectionBuilder, LogLevel, type HubConnection, type IHttpConnectionOptions, type IRetryPolicy, type ILogger } from '@microsoft/signalr';
import WebSocket from 'ws';
import { eventually, startTestServer, type TestServer } from './test-app.js';

export const TRANSPORTS = {
  WebSockets: HttpTransportType.WebSockets,
  ServerSentEvents: HttpTransportType.ServerSentEvents,
  LongPolling: HttpTransportType.LongPolling,
} as const;
export type TransportName = keyof typeof TRANSPORTS;

/**
 * Connection options that also name the WebSocket class the client opens: it reads `WebSocket`
 * from its options (Node 20 has no global one), though its typings do not declare it.
 */
export function nodeHubOptions(options: IHttpConnectionOptions, webSocket: unknown = WebSocket): IHttpConnectionOptions {
  return Object.assign({ WebSocket: webSocket }, options);
}

/** Events the ChatHub pushes (docs/signalr.md). */
export const HUB_EVENTS = ['ReceiveMessage', 'MessageSent', 'MessagesRead', 'UserTyping', 'UserOnline', 'UserOffline', 'MessageRecalled', 'ExchangeResponded'] as const;

export interface SignalRUserOptions {
  transport?: TransportName;
  skipNegotiation?: boolean;
  /** Automatic reconnect delays (ms); none when undefined. */
  reconnectDelays?: number[];
  stateful?: boolean;
  /** Client's server timeout and keep-alive (ms); the library defaults are 30 s and 15 s. */
  serverTimeoutMs?: number;
  keepAliveMs?: number;
  /** Where to send negotiate and the transport (another node). */
  url?: string;
  logs?: string[];
}

/**
 * A real @microsoft/signalr client for tests: records every hub event by name and every
 * lifecycle callback. Disposing it stops the connection.
 */
export class SignalRUser implements AsyncDisposable {
  readonly connection: HubConnection;
  readonly events = new Map<string, unknown[]>();
  readonly closed: (Error | undefined)[] = [];
  readonly reconnecting: (Error | undefined)[] = [];
  readonly reconnected: (string | undefined)[] = [];

  constructor(baseUrl: string, token: string | (() => string), options: SignalRUserOptions = {}) {
    const logs = options.logs;
    const logger: ILogger = { log: (level, message) => void (logs && level >= LogLevel.Debug && logs.push(message)) };
    let builder = new HubConnectionBuilder()
      .withUrl(
        `${options.url ?? baseUrl}/hubs/chat`,
        nodeHubOptions({
          accessTokenFactory: typeof token === 'string' ? () => token : token,
          transport: TRANSPORTS[options.transport ?? 'WebSockets'],
          skipNegotiation: options.skipNegotiation ?? false,
        }),
      )
      .configureLogging(logger);
    if (options.reconnectDelays) {
      const delays = options.reconnectDelays;
      const policy: IRetryPolicy = { nextRetryDelayInMilliseconds: (ctx) => (ctx.previousRetryCount < delays.length ? delays[ctx.previousRetryCount]! : null) };
      builder = builder.withAutomaticReconnect(policy);
    }
    if (options.stateful) builder = builder.withStatefulReconnect();
    this.connection = builder.build();
    if (options.serverTimeoutMs) this.connection.serverTimeoutInMilliseconds = options.serverTimeoutMs;
    if (options.keepAliveMs) this.connection.keepAliveIntervalInMilliseconds = options.keepAliveMs;
    for (const name of HUB_EVENTS) this.connection.on(name, (arg: unknown) => this.of(name).push(arg));
    this.connection.onclose((e) => this.closed.push(e));
    this.connection.onreconnecting((e) => this.reconnecting.push(e));
    this.connection.onreconnected((id) => this.reconnected.push(id));
  }

  static async start(baseUrl: string, token: string | (() => string), options: SignalRUserOptions = {}): Promise<SignalRUser> {
    const user = new SignalRUser(baseUrl, token, options);
    await user.connection.start();
    return user;
  }

  of(name: string): any[] {
    let list = this.events.get(name);
    if (!list) this.events.set(name, (list = []));
    return list;
  }

  /** Resolves with the first `name` event matching `predicate`. */
  next(name: string, predicate: (arg: any) => boolean = () => true, timeoutMs = 10_000): Promise<any> {
    return eventually(() => this.of(name).find(predicate), `${name} event`, timeoutMs);
  }

  invoke<T = any>(method: string, ...args: unknown[]): Promise<T> {
    return this.connection.invoke<T>(method, ...args);
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.connection.stop().catch(() => {});
  }
}

/** Shorter timers for tests (production defaults are in SignalROptions). */
export interface SignalRTestOptions {
  keepAliveIntervalMs?: number;
  clientTimeoutMs?: number;
  handshakeTimeoutMs?: number;
  unusedTokenTtlMs?: number;
  longPollTimeoutMs?: number;
  longPollIdleMs?: number;
  statefulReconnectWindowMs?: number;
  ackIntervalMs?: number;
  maxMessageBytes?: number;
  maxBufferedBytes?: number;
}

/**
 * A test server with SignalR door options. Its disposal also cuts HTTP connections that never
 * sent a request (undici opens spare ones when a long poll is aborted), which would otherwise
 * hold `server.close()` open.
 */
export async function startSignalRServer(env: Record<string, string> = {}, signalr: SignalRTestOptions = {}): Promise<TestServer> {
  const server = await startTestServer(env, { doorOptions: { signalr } });
  return {
    ...server,
    async [Symbol.asyncDispose]() {
      const force = setTimeout(() => server.app.server.closeAllConnections(), 1000);
      try {
        await server.app.shutdown();
      } finally {
        clearTimeout(force);
      }
    },
  };
}

export const RS = '\u001e';

/**
 * A raw WebSocket client of the hub, like a hand-written mini-program client: records
 * every incoming JSON record in order.
 */
export class RawHub implements AsyncDisposable {
  readonly records: any[] = [];
  readonly rawMessages: string[] = [];
  closeCode: number | null = null;
  private constructor(readonly socket: WebSocket) {
    socket.on('message', (data) => {
      const text = data.toString();
      this.rawMessages.push(text);
      for (const part of text.split(RS).filter(Boolean)) this.records.push(JSON.parse(part));
    });
    socket.on('close', (code) => (this.closeCode = code));
  }

  static open(url: string, protocols?: string[], headers?: Record<string, string>): Promise<RawHub> {
    return new Promise((resolve, reject) => {
      const socket = new WebSocket(url, protocols, { headers });
      socket.once('open', () => resolve(new RawHub(socket)));
      socket.once('error', reject);
      socket.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
    });
  }

  /** Opens and completes the JSON handshake. */
  static async connect(url: string, protocols?: string[]): Promise<RawHub> {
    const hub = await RawHub.open(url, protocols);
    hub.send({ protocol: 'json', version: 1 });
    await hub.next((r) => Object.keys(r).length === 0, 'handshake response');
    return hub;
  }

  send(message: object | string): void {
    this.socket.send(typeof message === 'string' ? message : JSON.stringify(message) + RS);
  }

  next(predicate: (record: any) => boolean, what = 'record', timeoutMs = 10_000): Promise<any> {
    return eventually(() => this.records.find(predicate), what, timeoutMs);
  }

  closed(timeoutMs = 10_000): Promise<number> {
    return eventually(() => this.closeCode, 'socket close', timeoutMs);
  }

  async [Symbol.asyncDispose](): Promise<void> {
    if (this.socket.readyState === this.socket.OPEN) this.socket.close();
  }
}
