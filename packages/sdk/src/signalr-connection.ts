import { fromHubMessage, HUB_COMMAND_METHODS, isErrorCode, toHubSendDto, type WireHubMessage } from '@parley/protocol';
import type { Backoff } from './backoff.js';
import { isContentRejectedReason, ParleyError } from './errors.js';
import type { HttpTransport } from './http-transport.js';
import { decodeHubEvent } from './hub-push-decoder.js';
import { decodeRecords, encodeRecord, frameText, HUB_MAX_RECORD_BYTES, HubRecordType, type HubRecord } from './hub-records.js';
import type { OutboxBody } from './outbox-item.js';
import type { ConnectionState, RealtimeConnection, RealtimeHooks } from './realtime-connection.js';
import { utf8Bytes } from './send-checks.js';
import type { SocketFactory, WebSocketLike } from './socket-factory.js';
import type { TokenSource } from './token-source.js';

/** @internal Options of SignalRConnection. */
export interface SignalRConnectionOptions {
  /** The hub's HTTP URL, e.g. `https://chat.example.com/hubs/chat`. */
  hubUrl: string;
  socketFactory: SocketFactory;
  http: HttpTransport;
  tokens: TokenSource;
  backoff: Backoff;
  /** A Ping is written this often, ms (0: never). The server drops a client that pinged once and then stays silent 30 s. */
  pingIntervalMs: number;
  /** Nothing received for this long means the connection is dead, ms (0: never). The server pings after 15 s of quiet. */
  serverTimeoutMs: number;
  /** Negotiate, socket and handshake must be done within this, ms. */
  connectTimeoutMs: number;
  debug?: (line: string) => void;
}

interface PendingInvocation {
  resolve(result: unknown): void;
  reject(error: ParleyError): void;
}

/** One socket's life: everything that must be undone together when it ends. */
interface Attempt {
  socket: WebSocketLike | null;
  handshaken: boolean;
  timers: ReturnType<typeof setTimeout>[];
  pingTimer: ReturnType<typeof setInterval> | null;
  silenceTimer: ReturnType<typeof setTimeout> | null;
  end(): void;
}

/**
 * @internal
 * One logical SignalR session over successive WebSockets, written against the JSON hub protocol
 * (docs/signalr.md) with no client library, so that it runs wherever a WebSocket-like object
 * exists (browsers, Node's `ws`, `wx.connectSocket`). Each attempt: a fresh token, `POST
 * negotiate?negotiateVersion=1`, the WebSocket with `id` and `access_token`, the handshake; then
 * invocations with ids and their completions, pings both ways, and a Close record or silence
 * ending the socket. It reconnects with backoff until `stop`, never giving up.
 */
export class SignalRConnection implements RealtimeConnection {
  private state: ConnectionState = 'idle';
  private active = false;
  private attempt: Attempt | null = null;
  private wake: (() => void) | null = null;
  private nextInvocationId = 0;
  private loop = 0;
  private readonly pending = new Map<string, PendingInvocation>();

  constructor(
    private readonly options: SignalRConnectionOptions,
    private readonly hooks: RealtimeHooks,
  ) {}

  get current(): ConnectionState {
    return this.state;
  }

  readonly maxSendBytes = HUB_MAX_RECORD_BYTES;

  sendBytes(body: OutboxBody): number {
    // The longest invocation id this connection could use, so the estimate never falls short.
    return utf8Bytes(encodeRecord(sendInvocation(String(Number.MAX_SAFE_INTEGER), body)));
  }

  start(): void {
    if (this.active) return;
    this.active = true;
    void this.run();
  }

  async stop(): Promise<void> {
    this.active = false;
    this.wake?.();
    const attempt = this.attempt;
    if (attempt?.socket && attempt.handshaken) this.write(attempt.socket, { type: HubRecordType.Close });
    attempt?.socket?.close(1000, 'client stopped');
    attempt?.end();
    this.setState('closed');
  }

  reconnectNow(): void {
    this.options.backoff.reset();
    this.wake?.();
  }

  drop(): void {
    const attempt = this.attempt;
    attempt?.socket?.close();
    attempt?.end();
  }

  sendMessage(body: OutboxBody): boolean {
    if (this.state !== 'connected') return false;
    this.invokeRecord(sendInvocation(this.newInvocationId(), body)).then(
      (result) => {
        const fields = result as WireHubMessage & { userSeq?: unknown };
        const userSeq = typeof fields.userSeq === 'number' ? fields.userSeq : null;
        this.hooks.onPush({ kind: 'message', data: fromHubMessage(fields), userSeq });
      },
      (error: ParleyError) => {
        // A lost connection answers nothing: the outbox writes the item again after reconnecting.
        if (error.code === 'NETWORK') return;
        this.hooks.onPush({ kind: 'error', error: new ParleyError(error.code, error.message, { ...error.details, clientMsgId: body.clientMsgId }) });
      },
    );
    return true;
  }

  typing(receiverId: number, typing: boolean): boolean {
    if (this.state !== 'connected') return false;
    this.invoke(HUB_COMMAND_METHODS.typing[0], [receiverId, typing]).catch(() => undefined);
    return true;
  }

  /**
   * Calls a hub method and resolves with its Completion's result. Rejects with the server's code
   * (the hub completes failures as `"CODE: message"`), or NETWORK when not connected or when the
   * socket ends before the answer.
   */
  invoke(target: string, args: readonly unknown[]): Promise<unknown> {
    return this.invokeRecord({ type: HubRecordType.Invocation, invocationId: this.newInvocationId(), target, arguments: args });
  }

  private invokeRecord(record: Invocation): Promise<unknown> {
    const socket = this.attempt?.socket;
    if (this.state !== 'connected' || !socket) return Promise.reject(new ParleyError('NETWORK', `not connected: ${record.target} was not sent`));
    return new Promise((resolve, reject) => {
      this.pending.set(record.invocationId, { resolve, reject });
      if (!this.write(socket, record)) {
        this.pending.delete(record.invocationId);
        reject(new ParleyError('NETWORK', `the socket refused ${record.target}`));
      }
    });
  }

  private newInvocationId(): string {
    return String(this.nextInvocationId++);
  }

  private async run(): Promise<void> {
    // A stop and a new start while this loop awaits must not leave two loops running.
    const loop = ++this.loop;
    let first = true;
    while (this.active && loop === this.loop) {
      if (first) {
        this.setState('connecting');
      } else {
        this.setState('reconnecting');
        await this.sleep(this.options.backoff.next());
        if (!this.active || loop !== this.loop) return;
      }
      first = false;
      await this.connectOnce();
    }
  }

  /** One attempt; resolves when its socket has ended (or the attempt failed before one opened). */
  private async connectOnce(): Promise<void> {
    let token: string;
    try {
      token = await this.options.tokens.refresh();
    } catch (cause) {
      this.hooks.onError(new ParleyError('UNAUTHORIZED', `token provider failed: ${String(cause)}`, { cause }));
      return;
    }
    const connectionToken = await this.negotiate(token);
    if (connectionToken === null || !this.active) return;
    await new Promise<void>((resolve) => this.open(connectionToken, token, resolve));
  }

  private async negotiate(token: string): Promise<string | null> {
    let response;
    try {
      response = await this.options.http({
        method: 'POST',
        url: `${this.options.hubUrl}/negotiate?negotiateVersion=1`,
        headers: { authorization: `Bearer ${token}`, accept: 'application/json' },
      });
    } catch (error) {
      this.debug(`negotiate failed: ${String(error)}`);
      return null;
    }
    if (response.status === 401) {
      this.hooks.onError(new ParleyError('UNAUTHORIZED', 'the hub refused the access token', { status: 401 }));
      return null;
    }
    if (response.status === 403) {
      // The hub answers 403 to negotiate only for a banned user (docs/errors.md): trying again is pointless.
      this.refuse(new ParleyError('USER_BANNED', `the hub refused the connection: ${refusalText(response.body)}`, { status: 403 }));
      return null;
    }
    const body = response.body as { connectionToken?: unknown; connectionId?: unknown } | null;
    const connectionToken = body?.connectionToken ?? body?.connectionId;
    if (response.status !== 200 || typeof connectionToken !== 'string') {
      this.debug(`negotiate answered ${response.status}`);
      return null;
    }
    return connectionToken;
  }

  private open(connectionToken: string, token: string, done: () => void): void {
    const attempt: Attempt = { socket: null, handshaken: false, timers: [], pingTimer: null, silenceTimer: null, end: () => undefined };
    let ended = false;
    attempt.end = () => {
      if (ended) return;
      ended = true;
      for (const timer of attempt.timers) clearTimeout(timer);
      if (attempt.pingTimer) clearInterval(attempt.pingTimer);
      if (attempt.silenceTimer) clearTimeout(attempt.silenceTimer);
      if (this.attempt === attempt) this.attempt = null;
      this.failPending();
      if (attempt.handshaken) {
        if (this.active) this.setState('reconnecting');
        this.hooks.onDisconnected();
      }
      done();
    };
    this.attempt = attempt;
    const url = `${this.socketUrl()}?id=${encodeURIComponent(connectionToken)}&access_token=${encodeURIComponent(token)}`;
    let socket: WebSocketLike;
    try {
      socket = this.options.socketFactory(url, []);
    } catch (error) {
      this.debug(`socket failed: ${String(error)}`);
      attempt.end();
      return;
    }
    attempt.socket = socket;
    attempt.timers.push(
      setTimeout(() => {
        if (attempt.handshaken) return;
        this.debug('connect timed out');
        socket.close();
        attempt.end();
      }, this.options.connectTimeoutMs),
    );
    socket.onopen = () => this.write(socket, { protocol: 'json', version: 1 });
    socket.onmessage = (event) => {
      if (ended) return;
      this.armSilence(attempt);
      let records: HubRecord[];
      try {
        records = decodeRecords(frameText(event.data));
      } catch {
        this.hooks.onError(new ParleyError('INTERNAL', 'the hub sent a record that is not JSON'));
        socket.close();
        attempt.end();
        return;
      }
      for (const record of records) {
        if (ended) return;
        if (attempt.handshaken) this.handle(attempt, record);
        else this.handshakeAnswered(attempt, record);
      }
    };
    socket.onerror = () => undefined;
    socket.onclose = () => attempt.end();
  }

  private handshakeAnswered(attempt: Attempt, record: HubRecord): void {
    if (record.error) {
      this.hooks.onError(new ParleyError('INTERNAL', `SignalR handshake refused: ${record.error}`));
      attempt.socket?.close();
      attempt.end();
      return;
    }
    attempt.handshaken = true;
    this.options.backoff.reset();
    if (this.options.pingIntervalMs > 0) {
      attempt.pingTimer = setInterval(() => {
        if (attempt.socket) this.write(attempt.socket, { type: HubRecordType.Ping });
      }, this.options.pingIntervalMs);
    }
    this.setState('connected');
    this.hooks.onConnected();
  }

  private handle(attempt: Attempt, record: HubRecord): void {
    switch (record.type) {
      case HubRecordType.Invocation: {
        const push = typeof record.target === 'string' ? decodeHubEvent(record.target, record.arguments ?? []) : null;
        if (push) this.hooks.onPush(push);
        return;
      }
      case HubRecordType.Completion: {
        const waiting = record.invocationId === undefined ? undefined : this.pending.get(record.invocationId);
        if (!waiting || record.invocationId === undefined) return;
        this.pending.delete(record.invocationId);
        if (typeof record.error === 'string') waiting.reject(hubError(record.error));
        else waiting.resolve(record.result);
        return;
      }
      case HubRecordType.Close: {
        // Every Close is followed by a reconnect (a client that gives up loses messages), except a
        // ban's: the server would refuse every attempt.
        const error = record.error ? hubError(record.error) : null;
        if (error?.code === 'USER_BANNED') this.refuse(new ParleyError('USER_BANNED', `the hub closed the connection: ${error.message}`));
        else if (record.error) this.hooks.onError(new ParleyError('UNAVAILABLE', `the hub closed the connection: ${record.error}`));
        attempt.socket?.close();
        attempt.end();
        return;
      }
      default:
        return;
    }
  }

  /** Stops reconnecting and hands the refusal to the client, which stops this connection. */
  private refuse(error: ParleyError): void {
    this.active = false;
    this.wake?.();
    this.hooks.onRefused(error);
  }

  private armSilence(attempt: Attempt): void {
    if (this.options.serverTimeoutMs <= 0) return;
    if (attempt.silenceTimer) clearTimeout(attempt.silenceTimer);
    attempt.silenceTimer = setTimeout(() => {
      this.debug('server timeout: nothing received');
      attempt.socket?.close();
      attempt.end();
    }, this.options.serverTimeoutMs);
  }

  private failPending(): void {
    const waiting = [...this.pending.values()];
    this.pending.clear();
    for (const invocation of waiting) invocation.reject(new ParleyError('NETWORK', 'the connection ended before the answer'));
  }

  private write(socket: WebSocketLike, record: object): boolean {
    try {
      socket.send(encodeRecord(record));
      return true;
    } catch {
      return false;
    }
  }

  private socketUrl(): string {
    const url = this.options.hubUrl;
    if (/^https?:/.test(url)) return url.replace(/^http/, 'ws');
    const { protocol, host } = (globalThis as unknown as { location: { protocol: string; host: string } }).location;
    return `${protocol === 'https:' ? 'wss' : 'ws'}://${host}${url}`;
  }

  private sleep(ms: number): Promise<void> {
    return new Promise<void>((resolve) => {
      const timer = setTimeout(done, ms);
      this.wake = done;
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

  private debug(line: string): void {
    this.options.debug?.(`signalr: ${line}`);
  }
}

interface Invocation {
  type: typeof HubRecordType.Invocation;
  invocationId: string;
  target: string;
  arguments: readonly unknown[];
}

function sendInvocation(invocationId: string, body: OutboxBody): Invocation {
  return { type: HubRecordType.Invocation, invocationId, target: HUB_COMMAND_METHODS.send[0], arguments: [toHubSendDto(body)] };
}

/**
 * The hub completes a failed call with `"CODE: message"`; anything else is the server's fault.
 * A CONTENT_REJECTED text names its rule (`CONTACT_INFO`, `WORDLIST`, `HOOK`) as a word of the message.
 */
export function hubError(text: string): ParleyError {
  const match = /^([A-Z_]+): ([\s\S]*)$/.exec(text);
  if (!match || !isErrorCode(match[1])) return new ParleyError('INTERNAL', text);
  const message = match[2] ?? '';
  const reason = match[1] === 'CONTENT_REJECTED' ? /\b(CONTACT_INFO|WORDLIST|HOOK)\b/.exec(message)?.[1] : undefined;
  return new ParleyError(match[1], message, isContentRejectedReason(reason) ? { reason } : {});
}

/** A refused negotiate's body as text, for the error message. */
function refusalText(body: unknown): string {
  if (typeof body === 'string') return body;
  return body === null || body === undefined ? 'forbidden' : JSON.stringify(body);
}
