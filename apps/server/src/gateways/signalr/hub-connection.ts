import type { FastifyBaseLogger } from 'fastify';
import type { ErrorCode, Message } from '@parley/protocol';
import type { DeliveryEvent, PushRecipient } from '../../domain/delivery-event.js';
import type { Metrics } from '../../metrics.js';
import type { ClientSession, SessionCloseReason } from '../../ports/client-session.js';
import type { SessionRegistry } from '../../services/session-registry.js';
import { countClientError, toClientError } from '../client-error.js';
import type { HubCaller, HubMethod } from './chat-hub.js';
import { readHandshake } from './handshake.js';
import { hubErrorText } from './hub-errors.js';
import { hubEventFor } from './hub-events.js';
import { HubProtocolError, isSequenced, MessageType, parseHubMessage, type IncomingMessage } from './hub-messages.js';
import { OversizeRecordError, record, RecordSplitter } from './hub-records.js';
import type { HubTransport } from './hub-transport.js';
import type { SignalROptions } from './signalr-options.js';
import { StatefulBuffer } from './stateful-buffer.js';
import { SharedIntervals } from '../shared-intervals.js';

export interface HubConnectionDeps {
  userId: number;
  /** Unique across nodes; also the ClientSession id. */
  connectionId: string;
  /** Negotiate asked for stateful reconnect; it is used only with a version-2 handshake over WebSockets. */
  statefulRequested: boolean;
  /** Epoch seconds when the access token expires; the connection is then closed with a reconnect hint. */
  accessExpiresAt?: number | undefined;
  methods: ReadonlyMap<string, HubMethod>;
  options: Readonly<SignalROptions>;
  registry: SessionRegistry;
  metrics: Metrics;
  logger: FastifyBaseLogger;
  /** Called once when the connection is gone for good. */
  onDisposed(connection: HubConnection): void;
}

type State = 'handshake' | 'open' | 'detached' | 'closed';

const RECONNECT = { type: MessageType.Close, allowReconnect: true } as const;

/**
 * Keep-alive, client timeout and token expiry of every open connection, checked on one interval
 * shared by all of them (as ASP.NET Core SignalR ticks its connections once a second) instead of
 * timers per connection, which an idle connection held for its whole life.
 */
const CONNECTION_CHECKS = new SharedIntervals<HubConnection>((connection, now) => connection.check(now));

/**
 * How often an open connection is checked: once a second, or more often when the keep-alive
 * interval is short, so a ping comes at most half an interval late and well inside a client's
 * server timeout (twice the keep-alive interval by default).
 */
function checkPeriodMs(options: Readonly<SignalROptions>): number {
  return Math.min(1000, options.keepAliveIntervalMs / 2);
}

/**
 * One SignalR connection (JSON hub protocol) of one user, whatever its transport: handshake,
 * invocations handled one at a time in arrival order, pushes as server invocations, keep-alive
 * pings, client timeout, Close, and stateful reconnect (a WebSocket may drop and be resumed).
 */
export class HubConnection implements ClientSession, HubCaller {
  readonly door = 'signalr';
  readonly id: string;
  readonly userId: number;
  private state: State = 'handshake';
  private transport: HubTransport | null = null;
  private splitter: RecordSplitter;
  private stateful: StatefulBuffer | null = null;
  private invocations: Promise<void> = Promise.resolve();
  private clientPinged = false;
  private pendingInvocations = 0;
  /** Record bytes of the queued calls: with the count, bounds what one connection holds in memory. */
  private pendingInvocationBytes = 0;
  private registered = false;
  private tempIds: Map<string, unknown> | null = null;
  private lastSentAt = 0;
  private lastReceivedAt = 0;
  /** When the access token expires (epoch ms); Infinity when it does not. */
  private readonly accessExpiresAtMs: number;
  /** Whether it is in CONNECTION_CHECKS (from the handshake on). */
  private inChecks = false;
  private handshakeTimer: NodeJS.Timeout | null;
  private detachedTimer: NodeJS.Timeout | null = null;
  private ackTimer: NodeJS.Timeout | null = null;

  constructor(private readonly deps: HubConnectionDeps) {
    this.id = deps.connectionId;
    this.userId = deps.userId;
    this.splitter = new RecordSplitter(deps.options.maxMessageBytes);
    this.accessExpiresAtMs = deps.accessExpiresAt === undefined ? Infinity : deps.accessExpiresAt * 1000;
    this.handshakeTimer = unrefTimeout(() => this.refuseHandshake('Handshake was canceled.'), deps.options.handshakeTimeoutMs);
  }

  get transportName(): HubTransport['name'] | null {
    return this.transport?.name ?? null;
  }

  get isClosed(): boolean {
    return this.state === 'closed';
  }

  /** A stateful connection whose WebSocket dropped and that waits for its client to come back. */
  get canResume(): boolean {
    return this.state === 'detached';
  }

  /**
   * A stateful connection whose WebSocket still looks open here: its client may come back on a
   * new WebSocket after a drop the server has not noticed yet (half-open TCP after a network change).
   */
  get canTakeOver(): boolean {
    return this.state === 'open' && this.stateful !== null && this.transport?.name === 'WebSockets';
  }

  /** Drops the current WebSocket of a stateful connection as if it failed, so that a new one can resume. */
  takeOver(): void {
    if (!this.canTakeOver || !this.transport) return;
    const old = this.transport;
    old.abort();
    this.transportGone(old, false);
  }

  /** Binds the first transport. */
  attach(transport: HubTransport): void {
    this.transport = transport;
  }

  /** Binds the WebSocket of a resuming stateful client: Sequence first, then every unacked record. */
  resume(transport: HubTransport): void {
    if (this.state !== 'detached' || !this.stateful) return;
    this.detachedTimer = clear(this.detachedTimer);
    this.transport = transport;
    this.state = 'open';
    this.lastReceivedAt = Date.now();
    this.splitter = new RecordSplitter(this.deps.options.maxMessageBytes);
    const { sequenceId, records } = this.stateful.resume();
    transport.send(record({ type: MessageType.Sequence, sequenceId }));
    for (const text of records) transport.send(text);
    this.lastSentAt = Date.now();
    this.scheduleAck();
  }

  /** The transport is gone: a stateful connection waits for a resume, any other is disposed. */
  transportGone(transport: HubTransport, graceful: boolean): void {
    if (transport !== this.transport || this.state === 'closed') return;
    this.transport = null;
    if (this.state === 'open' && this.stateful && !graceful) {
      this.state = 'detached';
      this.detachedTimer = unrefTimeout(() => this.dispose(), this.deps.options.statefulReconnectWindowMs);
      return;
    }
    this.dispose();
  }

  /** Text from the transport: zero or more records, possibly a partial one at the end. */
  receive(text: string): void {
    if (this.state === 'closed') return;
    this.lastReceivedAt = Date.now();
    let records: string[];
    try {
      records = this.splitter.push(text);
    } catch (error) {
      if (error instanceof OversizeRecordError) this.fail('PAYLOAD_TOO_LARGE', error.message);
      else throw error;
      return;
    }
    for (const text of records) {
      if (this.isClosed) return;
      if (text.trim() === '') continue;
      if (this.state === 'handshake') {
        this.handshake(text);
        continue;
      }
      let message: IncomingMessage;
      try {
        message = parseHubMessage(text);
      } catch (error) {
        if (!(error instanceof HubProtocolError)) throw error;
        this.fail('VALIDATION_FAILED', error.message);
        return;
      }
      if (this.stateful) {
        if (message.type === MessageType.Sequence) {
          this.stateful.sequence(message.sequenceId);
          continue;
        }
        if (!this.stateful.accept(isSequenced(message.type))) continue;
        if (isSequenced(message.type)) this.scheduleAck();
      }
      this.dispatch(message, text.length);
    }
  }

  /** The transport refused the client's input: the handshake or Close error, then the end. */
  refuse(code: ErrorCode, message: string): void {
    if (this.state === 'handshake') {
      countClientError(this.deps.metrics, code, 'signalr');
      this.refuseHandshake(hubErrorText(code, message));
    } else this.fail(code, message);
  }

  push(event: DeliveryEvent, recipient: PushRecipient): void {
    if (this.state !== 'open' && this.state !== 'detached') return;
    const { target, argument } = hubEventFor(event, recipient, this.id, (id) => this.tempIdOf(id));
    this.deps.metrics.pushes.inc({ door: 'signalr' });
    this.write({ type: MessageType.Invocation, target, arguments: [argument] });
  }

  close(reason: SessionCloseReason): void {
    // A banned user is told why and not invited back; everyone else reconnects and resyncs.
    if (reason === 'banned') this.closeWith({ type: MessageType.Close, error: hubErrorText('USER_BANNED', 'this account is banned'), allowReconnect: false });
    else this.closeWith(RECONNECT);
  }

  /** Drops the transport without a Close message, like a network failure (tests, operators). */
  dropTransport(): void {
    this.transport?.abort();
  }

  rememberTempId(tempId: unknown): () => void {
    if (tempId === undefined || tempId === null) return () => {};
    const key = String(tempId);
    const tempIds = (this.tempIds ??= new Map());
    tempIds.set(key, tempId);
    return () => tempIds.delete(key);
  }

  tempIdOf(clientMsgId: string): unknown {
    return this.tempIds?.get(clientMsgId) ?? clientMsgId;
  }

  /** @internal called by the shared connection checks: token expiry, keep-alive ping, client timeout. */
  check(now: number): void {
    if (now >= this.accessExpiresAtMs) {
      this.closeWith({ ...RECONNECT, error: hubErrorText('UNAUTHORIZED', 'the access token expired; reconnect with a fresh one') });
      return;
    }
    if (this.state !== 'open' || !this.transport || this.transport.inherentKeepAlive) return;
    if (this.clientPinged && now - this.lastReceivedAt > this.deps.options.clientTimeoutMs) {
      this.closeWith({ ...RECONNECT, error: 'Server timeout elapsed without receiving a message from the client.' });
      return;
    }
    if (now - this.lastSentAt >= this.deps.options.keepAliveIntervalMs) {
      this.transport.send(record({ type: MessageType.Ping }));
      this.lastSentAt = now;
    }
  }

  echo(message: Message): void {
    this.push({ kind: 'message', body: message, recipients: [], originSessionId: this.id }, { userId: this.userId, userSeq: null });
  }

  get connectionId(): string {
    return this.id;
  }

  private handshake(text: string): void {
    const result = readHandshake(text);
    if (!result.ok) {
      this.refuseHandshake(result.error);
      return;
    }
    this.handshakeTimer = clear(this.handshakeTimer);
    if (this.deps.statefulRequested && result.version >= 2 && this.transport?.name === 'WebSockets') this.stateful = new StatefulBuffer();
    this.state = 'open';
    this.transport?.send(record({}));
    this.lastSentAt = Date.now();
    this.inChecks = true;
    CONNECTION_CHECKS.add(checkPeriodMs(this.deps.options), this);
    this.registered = true;
    this.deps.registry.add(this).catch((error) => this.deps.logger.error({ err: error, userId: this.userId }, 'signalr: registering a connection failed'));
  }

  private refuseHandshake(error: string): void {
    if (this.state !== 'handshake') return;
    this.transport?.send(record({ error }));
    this.transport?.end();
    this.dispose();
  }

  private dispatch(message: IncomingMessage, size: number): void {
    switch (message.type) {
      case MessageType.Invocation:
        if (message.streamIds) {
          if (message.invocationId !== undefined) this.completeWithError(message.invocationId, 'VALIDATION_FAILED', `'${message.target}' takes no client-to-server streams`);
          return;
        }
        // Calls run one at a time; a client that floods them faster than they complete is cut off.
        if (this.pendingInvocations >= this.deps.options.maxPendingInvocations || this.pendingInvocationBytes + size > this.deps.options.maxTransportMessageBytes) {
          this.fail('RATE_LIMITED', `more than ${this.deps.options.maxPendingInvocations} hub calls or ${this.deps.options.maxTransportMessageBytes} bytes of them waiting`);
          return;
        }
        this.pendingInvocations++;
        this.pendingInvocationBytes += size;
        this.invocations = this.invocations
          .then(() => this.invoke(message.target, message.arguments, message.invocationId))
          .finally(() => {
            this.pendingInvocations--;
            this.pendingInvocationBytes -= size;
          });
        return;
      case MessageType.StreamInvocation:
        this.completeWithError(message.invocationId, 'VALIDATION_FAILED', `'${message.target}' is not a streaming hub method; use invoke`);
        return;
      case MessageType.Ping:
        this.clientPinged = true;
        return;
      case MessageType.Close:
        this.transport?.end();
        this.dispose();
        return;
      case MessageType.Ack:
        this.stateful?.ack(message.sequenceId);
        return;
      case MessageType.StreamItem:
      case MessageType.Completion:
      case MessageType.CancelInvocation:
      case MessageType.Sequence:
      case 'unknown':
        // No streams run here; a Sequence matters only to a stateful connection (handled before); unknown types are ignored.
        return;
    }
  }

  private async invoke(target: string, args: unknown[], invocationId: string | undefined): Promise<void> {
    if (this.state === 'closed') return;
    const method = this.deps.methods.get(target.toLowerCase());
    if (!method) {
      if (invocationId !== undefined) this.completeWithError(invocationId, 'NOT_FOUND', `Unknown hub method '${target}'`);
      return;
    }
    try {
      const result = await method(this, args);
      if (invocationId !== undefined) this.complete(invocationId, result === undefined ? {} : { result });
    } catch (error) {
      const failure = toClientError(error, this.deps.logger, this.deps.metrics, 'signalr');
      if (invocationId !== undefined) this.complete(invocationId, { error: hubErrorText(failure.code, failure.message, failure.reason) });
    }
  }

  private complete(invocationId: string, outcome: { result?: unknown; error?: string }): void {
    this.write({ type: MessageType.Completion, invocationId, ...outcome });
  }

  /** A call refused by the protocol layer (no service was asked): counted like any error the client sees. */
  private completeWithError(invocationId: string, code: ErrorCode, message: string): void {
    countClientError(this.deps.metrics, code, 'signalr');
    this.complete(invocationId, { error: hubErrorText(code, message) });
  }

  /** Sends one record; types 1–5 are kept for replay on a stateful connection. */
  private write(message: { type: number; [field: string]: unknown }): void {
    if (this.state === 'closed') return;
    const text = record(message);
    if (this.stateful && isSequenced(message.type)) {
      this.stateful.keep(text);
      if (this.stateful.bufferedBytes > this.deps.options.maxBufferedBytes) {
        this.close('backpressure');
        return;
      }
    }
    if (this.state !== 'open' || !this.transport) return;
    this.transport.send(text);
    this.lastSentAt = Date.now();
    if (this.transport.bufferedBytes() > this.deps.options.maxBufferedBytes) this.close('backpressure');
  }

  /** A protocol violation: Close with the error (the client does not reconnect), then end. */
  private fail(code: ErrorCode, message: string): void {
    countClientError(this.deps.metrics, code, 'signalr');
    const error = hubErrorText(code, message);
    this.deps.logger.debug({ userId: this.userId, error }, 'signalr: closing a connection after a protocol error');
    this.closeWith({ type: MessageType.Close, error });
  }

  private closeWith(closeMessage: { type: number; error?: string; allowReconnect?: boolean }): void {
    if (this.state === 'closed') return;
    if (this.transport && this.state !== 'detached') {
      this.transport.send(record(closeMessage));
      this.transport.end();
    }
    this.dispose();
  }

  private dispose(): void {
    if (this.state === 'closed') return;
    this.state = 'closed';
    this.handshakeTimer = clear(this.handshakeTimer);
    this.detachedTimer = clear(this.detachedTimer);
    this.ackTimer = clear(this.ackTimer);
    if (this.inChecks) CONNECTION_CHECKS.delete(checkPeriodMs(this.deps.options), this);
    this.transport = null;
    if (this.registered) {
      this.deps.registry.remove(this).catch((error) => this.deps.logger.error({ err: error, userId: this.userId }, 'signalr: unregistering a connection failed'));
    }
    this.deps.onDisposed(this);
  }

  private scheduleAck(): void {
    if (this.ackTimer) return;
    this.ackTimer = unrefTimeout(() => {
      this.ackTimer = null;
      if (this.state !== 'open' || !this.transport || !this.stateful) return;
      const sequenceId = this.stateful.takeAck();
      if (sequenceId !== null) this.transport.send(record({ type: MessageType.Ack, sequenceId }));
    }, this.deps.options.ackIntervalMs);
  }
}

function unrefTimeout(run: () => void, ms: number): NodeJS.Timeout {
  const timer = setTimeout(run, ms);
  timer.unref();
  return timer;
}

/** Clears the timer, if any; returns null for the field that held it. */
function clear(timer: NodeJS.Timeout | null): null {
  if (timer) clearTimeout(timer);
  return null;
}
