import type { BackoffOptions } from './backoff.js';
import type { HttpTransport } from './http-transport.js';
import type { OperationRunnerOptions } from './operation-runner.js';
import type { OutboxStorage } from './outbox-storage.js';
import type { SocketFactory } from './socket-factory.js';
import type { TokenProvider } from './token-source.js';
import type { Uploader } from './upload.js';

/** Options of a ParleyClient. Only `token` is required in a browser served by the Parley server. */
export interface ParleyClientOptions {
  /** Server origin, e.g. `https://chat.example.com`. Default: the page's origin ('' = relative URLs). */
  baseUrl?: string;
  /**
   * The realtime protocol: `stomp` (the `/ws` door, default) or `signalr` (the `/hubs/chat` door,
   * JSON hub protocol over WebSockets). Both give the same API, outbox, dedup and gap repair.
   */
  transport?: 'stomp' | 'signalr';
  /** STOMP WebSocket URL. Default: `baseUrl` with ws/wss and path `/ws`. */
  wsUrl?: string;
  /** SignalR hub URL (http or https; negotiate is POSTed below it). Default: `baseUrl` + `/hubs/chat`. */
  hubUrl?: string;
  /** Supplies the access token; called before every (re)connect and after a 401. */
  token: TokenProvider;
  /** Opens sockets. Default: the global WebSocket. Node 20: `nodeSocketFactory(WebSocket)` from `ws`. */
  socketFactory?: SocketFactory;
  /** Sends REST requests. Default: fetch. Mini-programs: `miniProgramHttp(wx)`. */
  http?: HttpTransport;
  /** Uploads media. Default: XMLHttpRequest (with progress) in browsers, fetch elsewhere. */
  uploader?: Uploader;
  /** Keeps unacknowledged messages. Default: memory (survives reconnects, not reloads). */
  outboxStorage?: OutboxStorage;
  /** Reconnect delays (exponential with jitter). Defaults: 500 ms initial, 30 s cap, factor 2, jitter 0.5. */
  reconnect?: BackoffOptions;
  /** STOMP heart-beat in both directions, or the SignalR Ping interval, ms (default 10000; 0 turns it off). */
  heartbeatMs?: number;
  /** SignalR only: nothing received for this long means the connection is dead and is replaced, ms (default 30000). */
  serverTimeoutMs?: number;
  /** A connect attempt that is not established after this long is abandoned, ms (default 10000). */
  connectTimeoutMs?: number;
  /** A SEND without an answer after this long is written again (same clientMsgId), ms (default 10000). */
  ackTimeoutMs?: number;
  /** At most this many SENDs wait for an answer at once (default 32). */
  maxInFlight?: number;
  /** Minimum interval between two `typing: true` notices to one peer, ms (default 3000). */
  typingIntervalMs?: number;
  /** The last update-log number the app has applied (e.g. persisted from `client.userSeq`). */
  initialUserSeq?: number;
  /** Events per `/sync` request (default 500, at most 1000). */
  syncPageSize?: number;
  /**
   * Retries of edits, reactions, hides, settings, clears, unmatches and reports after a transient
   * failure: attempts in all (default 5) and the delays between them (default 500 ms doubling to 8 s).
   */
  operationRetry?: OperationRunnerOptions;
  /** Reconnect at once when the browser reports it is back online (default true where `window` exists). */
  watchNetwork?: boolean;
  /** Receives the transport's debug lines. */
  debug?: (line: string) => void;
}

export function defaultBaseUrl(): string {
  const location = (globalThis as { location?: { origin?: string } }).location;
  if (location?.origin && location.origin !== 'null') return '';
  throw new Error('baseUrl is required outside a browser page');
}

export function deriveWsUrl(baseUrl: string): string {
  if (baseUrl) return `${baseUrl.replace(/^http/, 'ws')}/ws`;
  const { protocol, host } = (globalThis as unknown as { location: { protocol: string; host: string } }).location;
  return `${protocol === 'https:' ? 'wss' : 'ws'}://${host}/ws`;
}

export function deriveHubUrl(baseUrl: string): string {
  return `${baseUrl}/hubs/chat`;
}
