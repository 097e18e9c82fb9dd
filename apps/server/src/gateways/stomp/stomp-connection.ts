import type { FastifyBaseLogger } from 'fastify';
import { STOMP_APP_PREFIX, STOMP_ERRORS_QUEUE, type ErrorPush, type Message } from '@parley/protocol';
import type { Authenticator } from '../../auth/authenticator.js';
import type { Identity } from '../../auth/token-verifier.js';
import type { StompConfig } from '../../config.js';
import { AppError } from '../../domain/app-error.js';
import type { DeliveryEvent, PushRecipient } from '../../domain/delivery-event.js';
import type { Metrics } from '../../metrics.js';
import type { ClientSession, SessionCloseReason } from '../../ports/client-session.js';
import type { SessionRegistry } from '../../services/session-registry.js';
import { toClientError } from '../client-error.js';
import type { CommandHandlers } from '../commands/command-handlers.js';
import { APP_HANDLERS, type StompCommandContext } from './app-handlers.js';
import { connectToken, negotiateVersion, planHeartbeat, type HeartbeatPlan } from './connect-negotiation.js';
import { DESTINATION_BY_KIND, SUBSCRIBABLE } from './destinations.js';
import { StompFrameParser } from './frame-parser.js';
import { textFrame } from './frame-serializer.js';
import { HeartbeatMonitor, type HeartbeatPeer } from './heartbeat-monitor.js';
import { encodedBody } from './push-body.js';
import { connectRefusalHeader } from './stomp-errors.js';
import { headerOf, StompProtocolError, type StompFrame, type StompVersion } from './stomp-frame.js';
import { unwatchTokenExpiry, watchTokenExpiry, type ExpiringSession } from '../token-expiry.js';
import { CLOSE_CODES, type ClosableTransport } from '../transport.js';
import { MAX_SUBSCRIPTIONS, Subscriptions, type AckMode } from './subscriptions.js';

/** What a STOMP connection needs from its door. */
export interface StompConnectionDeps {
  registry: SessionRegistry;
  commands: CommandHandlers;
  auth: Authenticator;
  logger: FastifyBaseLogger;
  metrics: Metrics;
  options: Readonly<StompConfig>;
  /** Called once when a connection has ended, whichever side ended it: one callback for the door, not one per connection. */
  onFinished(connection: StompConnection): void;
}

const CLIENT_COMMANDS = new Set(['SEND', 'SUBSCRIBE', 'UNSUBSCRIBE', 'ACK', 'NACK', 'BEGIN', 'COMMIT', 'ABORT', 'DISCONNECT']);
const ACK_MODES = new Set<string>(['auto', 'client', 'client-individual']);
/** Frames a client may have queued behind a slow operation before it is cut off. */
const MAX_FRAMES_IN_FLIGHT = 1000;
/** Longest `receipt` header, in UTF-8 bytes: it is echoed back, so it must not amplify what a client can make the server write. */
export const MAX_RECEIPT_BYTES = 256;
const CLOSE_MESSAGES: Record<SessionCloseReason, { message: string; code: number }> = {
  shutdown: { message: 'Server shutting down; reconnect', code: CLOSE_CODES.serviceRestart },
  backpressure: { message: 'Connection too slow to receive; reconnect and resync', code: CLOSE_CODES.tryAgainLater },
  replaced: { message: 'Connection replaced; reconnect', code: CLOSE_CODES.tryAgainLater },
  banned: { message: 'USER_BANNED', code: CLOSE_CODES.policyViolation },
};

type Phase = 'new' | 'connecting' | 'connected' | 'closed';

/** The initial command tail and CONNECT outcome of every connection: one settled promise shared by all. */
const SETTLED: Promise<void> = Promise.resolve();

/**
 * One STOMP 1.0–1.2 connection over any transport: CONNECT with a token, user
 * queues, `/app/chat.*` commands run one at a time in arrival order, RECEIPT after commit,
 * heart-beats, ERROR-then-close for protocol errors. It is the door's ClientSession.
 */
export class StompConnection implements ClientSession, ExpiringSession, HeartbeatPeer {
  readonly door = 'stomp' as const;
  userId = 0;
  private phase: Phase = 'new';
  private version: StompVersion = '1.2';
  private readonly parser = new StompFrameParser();
  private readonly subscriptions = new Subscriptions();
  private heartbeat: HeartbeatMonitor | null = null;
  private tail: Promise<void> = SETTLED;
  /** Settles once CONNECT has been handled, whatever the outcome. */
  private ready: Promise<void> = SETTLED;
  private framesInFlight = 0;
  private messageCounter = 0;
  private registered: Promise<void> | null = null;
  private readonly wireId: string;
  /** Made by the first SEND: a connection that only listens never needs it. */
  private commandContext: StompCommandContext | null = null;
  /** Ends a connection that has not completed CONNECT in time (an idle or stalled socket holds resources). */
  private connectTimer: NodeJS.Timeout | null = null;
  /** When the access token expires (epoch ms), so a revoked user does not stay connected; Infinity when it does not. */
  accessExpiresAtMs = Infinity;
  /** Set once output passed the send buffer limit, so the closing ERROR itself does not trigger it again. */
  private overflowed = false;

  constructor(
    readonly id: string,
    private readonly transport: ClosableTransport,
    private readonly deps: StompConnectionDeps,
    /** A token from the upgrade URL (`?access_token=`), used when CONNECT carries none. */
    private readonly fallbackToken: string | null = null,
  ) {
    this.wireId = id.replace(/[^A-Za-z0-9._-]/g, '_');
    this.connectTimer = setTimeout(() => {
      this.sendError('Connect timeout', `no successful CONNECT within ${deps.options.connectTimeoutMs} ms`);
      this.finish(CLOSE_CODES.protocolError, 'connect timeout');
    }, deps.options.connectTimeoutMs);
    this.connectTimer.unref();
  }

  get transportName(): string {
    return this.transport.name;
  }

  get isClosed(): boolean {
    return this.phase === 'closed';
  }

  /** Bytes from the transport: any slice of the frame stream. */
  receive(data: Uint8Array): void {
    if (this.phase === 'closed') return;
    if (this.heartbeat) this.heartbeat.lastReceivedAt = Date.now();
    try {
      this.parser.push(data);
      for (let item = this.parser.next(); item && !this.isClosed; item = this.parser.next()) {
        if (item.type === 'frame') this.dispatch(item.frame);
      }
    } catch (error) {
      if (error instanceof StompProtocolError) this.fail(error);
      else throw error;
    }
  }

  /** The transport ended without us closing it. */
  transportClosed(): void {
    if (this.phase !== 'closed') this.finish();
  }

  push(event: DeliveryEvent, recipient: PushRecipient): void {
    if (this.phase !== 'connected') return;
    const destination = DESTINATION_BY_KIND[event.kind];
    const subscriptions = this.subscriptions.on(destination);
    if (!subscriptions) return;
    const body = encodedBody(event, recipient);
    for (const subscription of subscriptions) {
      const messageId = `${this.wireId}-${++this.messageCounter}`;
      this.write(
        `MESSAGE\ndestination:${destination}\ncontent-type:application/json\nsubscription:${subscription.wireId}\nmessage-id:${messageId}\n` +
          (subscription.ack === 'auto' ? '' : `ack:${messageId}\n`) +
          (recipient.userSeq !== null ? `user-seq:${recipient.userSeq}\n` : '') +
          `content-length:${body.bytes}\n\n${body.json}\0`,
      );
      this.deps.metrics.pushes.inc({ door: 'stomp' });
    }
  }

  close(reason: SessionCloseReason): void {
    if (this.phase === 'closed') return;
    const { message, code } = CLOSE_MESSAGES[reason];
    // A banned user is told why and not invited back; everyone else reconnects and resyncs.
    if (reason === 'banned') this.sendError(message, 'USER_BANNED: this account is banned');
    else this.sendError(message, `${message}. Recover missed updates with GET /sync.`, undefined, [['reconnect', 'true']]);
    this.finish(code, message);
  }

  private dispatch(frame: StompFrame): void {
    const { command } = frame;
    if (command === 'CONNECT' || command === 'STOMP') {
      if (this.phase !== 'new') throw new StompProtocolError('Already connected', 'a connection takes exactly one CONNECT');
      const version = negotiateVersion(headerOf(frame, 'accept-version'));
      if (!version) {
        this.sendError('Supported protocol versions are 1.2, 1.1, 1.0', 'no common STOMP version', undefined, [['version', '1.2,1.1,1.0']]);
        this.finish(CLOSE_CODES.protocolError, 'unsupported version');
        return;
      }
      this.version = version;
      this.parser.version = version;
      this.phase = 'connecting';
      const plan = planHeartbeat(headerOf(frame, 'heart-beat'), this.deps.options.heartbeatMs);
      this.ready = this.handleConnect(frame, plan);
      return;
    }
    if (this.phase === 'new') throw new StompProtocolError('Not connected', 'the first frame must be CONNECT or STOMP');
    if (!CLIENT_COMMANDS.has(command)) throw new StompProtocolError('Unknown command', `${command} is not a STOMP client command`);
    const receipt = headerOf(frame, 'receipt');
    if (receipt !== undefined && Buffer.byteLength(receipt, 'utf8') > MAX_RECEIPT_BYTES) {
      throw new StompProtocolError('Receipt too long', `a receipt header may be at most ${MAX_RECEIPT_BYTES} bytes`);
    }
    this.schedule(frame, this.prepare(frame));
  }

  /**
   * Frames start in arrival order once CONNECT succeeded, and SENDs run concurrently (their
   * messages enter the write queue in order); completions (RECEIPT, DISCONNECT) happen in
   * arrival order, each after its operation committed.
   */
  private schedule(frame: StompFrame, operation: FrameOperation): void {
    if (++this.framesInFlight > MAX_FRAMES_IN_FLIGHT) throw new StompProtocolError('Too many frames in flight', `at most ${MAX_FRAMES_IN_FLIGHT} frames may wait for handling`);
    const started = this.ready
      .then(() => (this.phase === 'connected' ? operation.start?.() : undefined))
      .then(
        () => null,
        (error: unknown) => error,
      );
    this.tail = this.tail
      .then(() => started)
      .then((error) => {
        this.framesInFlight--;
        if (this.phase !== 'connected') return;
        if (error === null) return operation.complete ? operation.complete() : this.receipt(frame);
        if (error instanceof StompProtocolError) return this.fail(error);
        this.deps.logger.error({ err: error }, 'STOMP frame handling failed');
        this.fail(new StompProtocolError('Internal error', 'the server failed to handle a frame'));
      });
  }

  /** Checks a frame's headers at once (a bad frame ends the connection before later frames run). */
  private prepare(frame: StompFrame): FrameOperation {
    switch (frame.command) {
      case 'SUBSCRIBE': {
        const id = headerOf(frame, 'id');
        const destination = headerOf(frame, 'destination');
        const ack = headerOf(frame, 'ack') ?? 'auto';
        if (id === undefined) throw this.frameError(frame, 'Missing id header', 'SUBSCRIBE needs an id');
        if (destination === undefined) throw this.frameError(frame, 'Missing destination header', 'SUBSCRIBE needs a destination');
        if (!ACK_MODES.has(ack)) throw this.frameError(frame, 'Invalid ack mode', 'ack must be auto, client or client-individual');
        if (!SUBSCRIBABLE.has(destination)) {
          throw this.frameError(frame, 'Forbidden destination', `only your own queues can be subscribed: ${[...SUBSCRIBABLE].join(', ')}`);
        }
        return {
          start: () => {
            if (this.subscriptions.has(id)) throw this.frameError(frame, 'Duplicate subscription id', `subscription ${id.slice(0, 64)} already exists on this connection`);
            if (this.subscriptions.size >= MAX_SUBSCRIPTIONS) throw this.frameError(frame, 'Too many subscriptions', `a connection may hold at most ${MAX_SUBSCRIPTIONS} subscriptions`);
            this.subscriptions.add(id, destination, ack as AckMode, this.version);
          },
        };
      }
      case 'UNSUBSCRIBE': {
        const id = headerOf(frame, 'id');
        if (id === undefined) throw this.frameError(frame, 'Missing id header', 'UNSUBSCRIBE needs an id');
        return { start: () => this.subscriptions.remove(id) };
      }
      case 'SEND': {
        const destination = headerOf(frame, 'destination');
        if (destination === undefined) throw this.frameError(frame, 'Missing destination header', 'SEND needs a destination');
        return { start: () => this.send(destination, frame.body) };
      }
      case 'DISCONNECT':
        return {
          complete: () => {
            this.receipt(frame);
            this.finish(CLOSE_CODES.normal, 'disconnect');
          },
        };
      default:
        // ACK, NACK, BEGIN, COMMIT, ABORT: accepted and ignored, as Spring's simple broker does.
        return {};
    }
  }

  /** Authenticates and registers; never rejects (a failure ends the connection). */
  private async handleConnect(frame: StompFrame, plan: HeartbeatPlan): Promise<void> {
    let identity: Identity;
    try {
      identity = await this.deps.auth.authenticate(connectToken(frame) ?? this.fallbackToken);
    } catch (error) {
      const failure = toClientError(error, this.deps.logger, this.deps.metrics, 'stomp');
      const message = connectRefusalHeader(failure.code);
      this.sendError(message, failure.message);
      this.finish(CLOSE_CODES.protocolError, message);
      return;
    }
    if (this.isClosed) return;
    const { userId } = identity;
    this.userId = userId;
    // Registered (and, with Redis, routed here) before CONNECTED, so a client that saw CONNECTED
    // and subscribed receives every later push.
    this.registered = this.deps.registry.add(this).catch((error: unknown) => this.deps.logger.error({ err: error }, 'registering a STOMP session failed'));
    await this.registered;
    // Settled promises are interchangeable: the shared one lets this connection's own be collected.
    this.registered = SETTLED;
    if (this.isClosed) return;
    this.clearConnectTimer();
    this.phase = 'connected';
    if (identity.expiresAt !== undefined) {
      this.accessExpiresAtMs = identity.expiresAt * 1000;
      watchTokenExpiry(this);
    }
    const offer = this.deps.options.heartbeatMs;
    this.write(
      textFrame(
        'CONNECTED',
        [
          ['version', this.version],
          ['heart-beat', `${offer},${offer}`],
          ['server', 'Parley/0.1'],
          ['session', this.id],
          ['user-name', String(userId)],
        ],
        '',
        this.version,
      ),
    );
    this.heartbeat = new HeartbeatMonitor(plan, this);
    // Frames scheduled so far wait on this call's own promise, which settles as it returns; later
    // ones may start at once, so the shared settled promise serves them and this one can go.
    this.ready = SETTLED;
  }

  /** @internal called by the heart-beat monitor */
  sendHeartbeat(): void {
    this.write('\n');
  }

  /** @internal called by the heart-beat monitor */
  heartbeatTimedOut(silentMs: number): void {
    this.sendError('Heart-beat timeout', `no data from the client for ${silentMs} ms`);
    this.finish(CLOSE_CODES.protocolError, 'heart-beat timeout');
  }

  private async send(destination: string, bytes: Uint8Array): Promise<void> {
    const body = parseJson(bytes);
    try {
      const handler = APP_HANDLERS.get(destination);
      if (!handler) {
        throw destination.startsWith(STOMP_APP_PREFIX)
          ? new AppError('NOT_FOUND', `no handler for ${destination}`)
          : new AppError('FORBIDDEN', `SEND goes only to /app/chat.* destinations, not ${destination}`);
      }
      if (body === INVALID_JSON) throw new AppError('VALIDATION_FAILED', 'body: not valid JSON in UTF-8');
      await handler(this.commandContext ?? this.makeCommandContext(), body);
    } catch (error) {
      this.pushError(error, destination, body);
    }
  }

  private makeCommandContext(): StompCommandContext {
    const { userId } = this;
    this.commandContext = {
      caller: { userId, door: 'stomp', connectionId: this.id },
      commands: this.deps.commands,
      echoToSelf: (message: Message) => this.push({ kind: 'message', body: message, recipients: [] }, { userId, userSeq: null }),
      answer: (destination, body) => this.pushToQueue(destination, JSON.stringify(body)),
    };
    return this.commandContext;
  }

  private pushError(error: unknown, destination: string, body: unknown): void {
    const failure = toClientError(error, this.deps.logger, this.deps.metrics, 'stomp');
    const clientMsgId = (body as { clientMsgId?: unknown } | undefined)?.clientMsgId;
    const payload: ErrorPush = {
      code: failure.code,
      message: failure.message,
      ...(typeof clientMsgId === 'string' || typeof clientMsgId === 'number' ? { clientMsgId } : {}),
      destination,
      ...(failure.retryAfterMs !== undefined ? { retryAfterMs: failure.retryAfterMs } : {}),
      ...(failure.reason !== undefined ? { reason: failure.reason } : {}),
    };
    this.pushToQueue(STOMP_ERRORS_QUEUE, JSON.stringify(payload));
  }

  /** A MESSAGE to this connection's subscriptions of one queue, outside the delivery events (error pushes, query answers). */
  private pushToQueue(destination: string, json: string): void {
    const subscriptions = this.subscriptions.on(destination);
    if (!subscriptions) return;
    for (const subscription of subscriptions) {
      const messageId = `${this.wireId}-${++this.messageCounter}`;
      const headers: [string, string][] = [
        ['destination', destination],
        ['content-type', 'application/json'],
        ['subscription', subscription.id],
        ['message-id', messageId],
      ];
      if (subscription.ack !== 'auto') headers.push(['ack', messageId]);
      this.write(textFrame('MESSAGE', headers, json, this.version));
    }
  }

  private receipt(frame: StompFrame): void {
    const receipt = headerOf(frame, 'receipt');
    if (receipt !== undefined && !this.isClosed) this.write(textFrame('RECEIPT', [['receipt-id', receipt]], '', this.version));
  }

  private frameError(frame: StompFrame, message: string, detail: string): StompProtocolError {
    const error = new StompProtocolError(message, detail);
    const receipt = headerOf(frame, 'receipt');
    if (receipt !== undefined) (error as StompProtocolError & { receiptId?: string }).receiptId = receipt;
    return error;
  }

  private fail(error: StompProtocolError): void {
    if (this.phase === 'closed') return;
    this.sendError(error.message, error.detail, (error as StompProtocolError & { receiptId?: string }).receiptId);
    this.finish(CLOSE_CODES.protocolError, error.message);
  }

  private sendError(message: string, detail: string, receiptId?: string, extra: [string, string][] = []): void {
    const headers: [string, string][] = [['message', message.replace(/[\r\n]/g, ' ')], ...extra];
    if (receiptId !== undefined) headers.push(['receipt-id', receiptId]);
    headers.push(['content-type', 'text/plain']);
    this.write(textFrame('ERROR', headers, detail, this.version));
  }

  /** @internal called by the shared token expiry check */
  expireAccess(): void {
    if (this.phase === 'closed') return;
    this.sendError('Access token expired', 'UNAUTHORIZED: the access token expired; reconnect with a fresh one', undefined, [['reconnect', 'true']]);
    this.finish(CLOSE_CODES.policyViolation, 'access token expired');
  }

  private clearConnectTimer(): void {
    if (this.connectTimer) clearTimeout(this.connectTimer);
    this.connectTimer = null;
  }

  /**
   * Every outbound frame goes through here and counts against the send buffer: a client that
   * stops reading is cut off whatever it provokes (pushes, RECEIPTs, error pushes, heart-beats),
   * so what the server holds for it stays near the limit.
   */
  private write(text: string): void {
    if (this.phase === 'closed') return;
    if (this.heartbeat) this.heartbeat.lastSentAt = Date.now();
    this.transport.send(text);
    if (!this.overflowed && this.transport.bufferedBytes() > this.deps.options.sendBufferBytes) {
      this.overflowed = true;
      this.close('backpressure');
    }
  }

  private finish(code: number = CLOSE_CODES.normal, reason = ''): void {
    if (this.phase === 'closed') return;
    this.phase = 'closed';
    this.clearConnectTimer();
    if (this.accessExpiresAtMs !== Infinity) unwatchTokenExpiry(this);
    this.heartbeat?.stop();
    this.transport.close(code, reason);
    if (this.registered) {
      void this.registered
        .then(() => this.deps.registry.remove(this))
        .catch((error: unknown) => this.deps.logger.error({ err: error }, 'unregistering a STOMP session failed'));
    }
    this.deps.onFinished(this);
  }
}

const INVALID_JSON = Symbol('invalid JSON');

// Fatal: a body that is not UTF-8 is refused rather than stored with U+FFFD in place of its bytes.
const STRICT_UTF8 = new TextDecoder('utf-8', { fatal: true });

function parseJson(body: Uint8Array): unknown {
  try {
    return JSON.parse(STRICT_UTF8.decode(body));
  } catch {
    return INVALID_JSON;
  }
}

/** How one client frame is carried out: `start` in arrival order, then `complete` (default: RECEIPT) in arrival order. */
interface FrameOperation {
  start?: () => Promise<void> | void;
  complete?: () => void;
}
