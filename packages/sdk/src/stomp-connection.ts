import { isErrorCode, STOMP_COMMAND_DESTINATIONS, type ErrorCode } from '@parley/protocol';
import { Client, type IFrame, type IMessage } from '@stomp/stompjs';
import type { Backoff } from './backoff.js';
import { ParleyError } from './errors.js';
import type { OutboxBody } from './outbox-item.js';
import type { ConnectionState, RealtimeConnection, RealtimeHooks } from './realtime-connection.js';
import { MAX_SEND_BODY_BYTES, sendBodyBytes } from './send-checks.js';
import type { SocketFactory } from './socket-factory.js';
import { decodeStompPush, STOMP_SUBSCRIBED_QUEUES } from './stomp-push-decoder.js';
import type { TokenSource } from './token-source.js';

/** @internal Options of StompConnection. */
export interface StompConnectionOptions {
  url: string;
  socketFactory: SocketFactory;
  tokens: TokenSource;
  backoff: Backoff;
  heartbeatMs: number;
  connectTimeoutMs: number;
  debug?: (message: string) => void;
}

const STOMP_PROTOCOLS = ['v12.stomp', 'v11.stomp', 'v10.stomp'];

/**
 * @internal
 * One logical STOMP session over successive sockets. @stomp/stompjs does the framing and
 * heart-beats; this class owns reconnect timing (exponential backoff with jitter, done in
 * `beforeConnect` so that stompjs' own fixed delay is a no-op), fetches a token before every
 * attempt, and subscribes the user queues after every CONNECTED.
 */
export class StompConnection implements RealtimeConnection {
  private readonly client: Client;
  private state: ConnectionState = 'idle';
  private attempted = false;
  private wake: (() => void) | null = null;
  private active = false;
  private receiptCounter = 0;

  constructor(
    private readonly options: StompConnectionOptions,
    private readonly hooks: RealtimeHooks,
  ) {
    const client = new Client({
      webSocketFactory: () => options.socketFactory(options.url, STOMP_PROTOCOLS) as never,
      heartbeatIncoming: options.heartbeatMs,
      heartbeatOutgoing: options.heartbeatMs,
      reconnectDelay: 1,
      connectionTimeout: options.connectTimeoutMs,
      debug: options.debug ?? (() => undefined),
    });
    client.beforeConnect = () => this.beforeConnect();
    client.onConnect = () => this.connected();
    client.onWebSocketClose = () => this.closed();
    client.onStompError = (frame: IFrame) => this.stompError(frame);
    this.client = client;
  }

  get current(): ConnectionState {
    return this.state;
  }

  readonly maxSendBytes = MAX_SEND_BODY_BYTES;

  sendBytes(body: OutboxBody): number {
    return sendBodyBytes(body);
  }

  /** Starts connecting (and keeps reconnecting until `stop`). */
  start(): void {
    if (this.active) return;
    this.active = true;
    this.attempted = false;
    this.client.activate();
  }

  /** Disconnects for good (sends DISCONNECT when connected). */
  async stop(): Promise<void> {
    this.active = false;
    this.wake?.();
    await this.client.deactivate();
    this.setState('closed');
  }

  /** Skips the remaining backoff delay and tries now (e.g. when the browser reports `online`). */
  reconnectNow(): void {
    this.options.backoff.reset();
    this.wake?.();
  }

  /** Closes the socket without DISCONNECT, as a network failure would; reconnects as usual. */
  drop(): void {
    this.client.forceDisconnect();
  }

  sendMessage(body: OutboxBody): boolean {
    return this.publish(STOMP_COMMAND_DESTINATIONS.send, body, { id: `send-${++this.receiptCounter}`, onReceipt: () => undefined });
  }

  typing(receiverId: number, typing: boolean): boolean {
    return this.publish(STOMP_COMMAND_DESTINATIONS.typing, { receiverId, typing });
  }

  /** Writes a SEND; false when not connected. `receipt` asks for a RECEIPT, reported to `onReceipt`. */
  private publish(destination: string, body: unknown, receipt?: { id: string; onReceipt: () => void }): boolean {
    if (this.state !== 'connected' || !this.client.connected) return false;
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (receipt) {
      headers.receipt = receipt.id;
      this.client.watchForReceipt(receipt.id, () => receipt.onReceipt());
    }
    try {
      this.client.publish({ destination, body: JSON.stringify(body), headers });
      return true;
    } catch {
      return false;
    }
  }

  /**
   * An ERROR frame ends the session. Its `message` header is the code (or Spring's
   * `Unauthorized`); USER_BANNED must not be retried, so the connection is handed back to the
   * client, which stops it and tells the app why.
   */
  private stompError(frame: IFrame): void {
    const header = frame.headers.message ?? '';
    const error = new ParleyError(stompErrorCode(header, frame.body), `STOMP ERROR: ${header} ${frame.body}`.trim());
    if (error.code === 'USER_BANNED') {
      this.active = false;
      this.hooks.onRefused(error);
    } else {
      this.hooks.onError(error);
    }
  }

  private async beforeConnect(): Promise<void> {
    if (this.attempted) {
      this.setState('reconnecting');
      await this.sleep(this.options.backoff.next());
    } else {
      this.setState('connecting');
    }
    this.attempted = true;
    while (this.active) {
      try {
        const token = await this.options.tokens.refresh();
        this.client.connectHeaders = { Authorization: `Bearer ${token}` };
        return;
      } catch (cause) {
        this.hooks.onError(new ParleyError('UNAUTHORIZED', `token provider failed: ${String(cause)}`, { cause }));
        this.setState('reconnecting');
        await this.sleep(this.options.backoff.next());
      }
    }
  }

  private connected(): void {
    this.options.backoff.reset();
    for (const destination of STOMP_SUBSCRIBED_QUEUES) {
      this.client.subscribe(destination, (message: IMessage) => {
        const push = decodeStompPush(destination, message.body, message.headers as Record<string, string>);
        if (push) this.hooks.onPush(push);
      });
    }
    this.setState('connected');
    this.hooks.onConnected();
  }

  private closed(): void {
    const wasConnected = this.state === 'connected';
    if (this.active) this.setState('reconnecting');
    else if (this.state !== 'closed') void this.stop();
    if (wasConnected) this.hooks.onDisconnected();
  }

  private sleep(ms: number): Promise<void> {
    return new Promise<void>((resolve) => {
      const timer = setTimeout(done, ms);
      const wake = () => done();
      this.wake = wake;
      function done() {
        clearTimeout(timer);
        resolve();
      }
    }).then(() => {
      this.wake = null;
    });
  }

  private setState(state: ConnectionState): void {
    if (state === this.state) return;
    this.state = state;
    this.hooks.onState(state);
  }
}

/** The code of an ERROR frame: its `message` header when that is a code, else `CODE: …` at the start of the body. */
function stompErrorCode(header: string, body: string): ErrorCode {
  const named = header.trim();
  if (isErrorCode(named)) return named;
  const prefix = /^([A-Z_]+):/.exec(body.trim())?.[1] ?? /^([A-Z_]+):/.exec(named)?.[1];
  if (isErrorCode(prefix)) return prefix;
  return named.toLowerCase().includes('unauth') ? 'UNAUTHORIZED' : 'INTERNAL';
}
