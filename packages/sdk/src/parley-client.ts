import {
  LIMITS,
  type ConversationPage,
  type ExchangeKind,
  type HistoryPage,
  type Message,
  type PresenceItem,
  type SendableMessageType,
  type SyncEvent,
  type UploadedMedia,
} from '@parley/protocol';
import { Backoff, type BackoffOptions } from './backoff.js';
import { BoundedIdSet } from './bounded-id-set.js';
import { TypedEmitter } from './emitter.js';
import { ParleyError } from './errors.js';
import type { MessageMeta, ParleyEvents } from './events.js';
import { fetchHttp, type HttpTransport } from './http-transport.js';
import { MemoryOutboxStorage, type OutboxStorage } from './outbox-storage.js';
import { newClientMsgId, Outbox, type OutboxItem } from './outbox.js';
import { RestApi, type HistoryOptions, type OwnProfile, type ProfileUpdate, type ReadResult, type WithUserSeq } from './rest-api.js';
import { browserSocketFactory, type SocketFactory } from './socket-factory.js';
import { StompConnection, type ConnectionState } from './stomp-connection.js';
import { TokenSource, type TokenProvider } from './token-source.js';
import { TypingThrottle } from './typing-throttle.js';
import { UpdateSequencer } from './update-sequencer.js';
import { defaultUploader, type UploadProgress, type Uploader } from './upload.js';

/** Options of a ParleyClient. Only `token` is required in a browser served by the Parley server. */
export interface ParleyClientOptions {
  /** Server origin, e.g. `https://chat.example.com`. Default: the page's origin ('' = relative URLs). */
  baseUrl?: string;
  /** STOMP WebSocket URL. Default: `baseUrl` with ws/wss and path `/ws`. */
  wsUrl?: string;
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
  /** STOMP heart-beat in both directions, ms (default 10000; 0 turns it off). */
  heartbeatMs?: number;
  /** A connect attempt that has not reached CONNECTED after this long is abandoned, ms (default 10000). */
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
  /** Reconnect at once when the browser reports it is back online (default true where `window` exists). */
  watchNetwork?: boolean;
  /** Receives stompjs debug lines. */
  debug?: (line: string) => void;
}

/** What `send` takes: the SendMessage fields; `clientMsgId` is generated when absent. */
export interface SendInput {
  receiverId: number;
  messageType?: SendableMessageType;
  content: string;
  extra?: Record<string, unknown> | null;
  clientMsgId?: string;
}

const DESTINATIONS = {
  '/user/queue/messages': 'message',
  '/user/queue/read': 'read',
  '/user/queue/typing': 'typing',
  '/user/queue/presence': 'presence',
  '/user/queue/recalls': 'recall',
  '/user/queue/exchange': 'exchange',
  '/user/queue/errors': 'error',
} as const;
type PushKind = (typeof DESTINATIONS)[keyof typeof DESTINATIONS];

const TRANSIENT_SEND_ERRORS = new Set(['RATE_LIMITED', 'UNAVAILABLE', 'INTERNAL']);

function defaultBaseUrl(): string {
  const location = (globalThis as { location?: { origin?: string } }).location;
  if (location?.origin && location.origin !== 'null') return '';
  throw new Error('baseUrl is required outside a browser page');
}

function deriveWsUrl(baseUrl: string): string {
  if (baseUrl) return `${baseUrl.replace(/^http/, 'ws')}/ws`;
  const { protocol, host } = (globalThis as unknown as { location: { protocol: string; host: string } }).location;
  return `${protocol === 'https:' ? 'wss' : 'ws'}://${host}/ws`;
}

/**
 * A Parley connection for one signed-in user: live pushes over STOMP, everything else over REST.
 *
 * Guarantees to the app: every message is emitted once (dedup by id); read marks, recalls and
 * exchange answers are applied in the user's update order without gaps (a missed push is repaired
 * from `/sync`, and `/sync` runs after every reconnect); a message passed to `send` is retried
 * (same clientMsgId, so never stored twice) until the server stores it or refuses it, and a
 * persistent `outboxStorage` carries it across page reloads.
 *
 * ```ts
 * const client = new ParleyClient({ baseUrl: 'https://chat.example.com', token: () => getJwt() });
 * client.on('message', (m) => console.log(m.senderId, m.content));
 * await client.connect();
 * await client.sendText(9, '你好');
 * ```
 */
export class ParleyClient {
  /** The typed REST calls, for anything the helpers below do not cover. */
  readonly api: RestApi;
  private readonly emitter = new TypedEmitter<ParleyEvents>();
  private readonly tokens: TokenSource;
  private readonly connection: StompConnection;
  private readonly outbox: Outbox;
  private readonly updates: UpdateSequencer;
  private readonly seen: BoundedIdSet;
  private readonly typingThrottle: TypingThrottle;
  private readonly uploader: Uploader;
  private readonly ackTimers = new Map<string, ReturnType<typeof setTimeout>>();
  private dueTimer: ReturnType<typeof setTimeout> | null = null;
  private outboxLoaded: Promise<void> | null = null;
  private ready = false;
  private stateValue: ConnectionState = 'idle';
  private myId: number | null = null;
  private receiptCounter = 0;
  private removeNetworkWatch: (() => void) | null = null;

  constructor(private readonly options: ParleyClientOptions) {
    const baseUrl = (options.baseUrl ?? defaultBaseUrl()).replace(/\/+$/, '');
    this.tokens = new TokenSource(options.token);
    this.api = new RestApi(baseUrl, this.tokens, options.http ?? fetchHttp());
    this.uploader = options.uploader ?? defaultUploader;
    this.seen = new BoundedIdSet();
    this.typingThrottle = new TypingThrottle(options.typingIntervalMs ?? 3000);
    this.outbox = new Outbox(
      options.outboxStorage ?? new MemoryOutboxStorage(),
      (item) => this.emitter.emit('outbox', { ...item }),
      (error) => this.reportError(error),
    );
    this.updates = new UpdateSequencer({
      fetchPage: (since, limit) => this.api.sync(since, limit),
      apply: (event, source) => this.applyLogged(event, source),
      onSynced: (userSeq, applied) => this.emitter.emit('synced', { userSeq, applied }),
      onError: (error) => this.reportError(error),
      pageSize: Math.min(options.syncPageSize ?? 500, LIMITS.syncMaxLimit),
      initialUserSeq: options.initialUserSeq ?? null,
    });
    this.connection = new StompConnection(
      {
        url: options.wsUrl ?? deriveWsUrl(baseUrl),
        socketFactory: options.socketFactory ?? browserSocketFactory(),
        tokens: this.tokens,
        backoff: new Backoff(options.reconnect),
        heartbeatMs: options.heartbeatMs ?? 10_000,
        connectTimeoutMs: options.connectTimeoutMs ?? 10_000,
        destinations: Object.keys(DESTINATIONS),
        ...(options.debug ? { debug: options.debug } : {}),
      },
      {
        onState: (state) => {
          const previous = this.stateValue;
          this.stateValue = state;
          this.emitter.emit('state', state, previous);
        },
        onConnected: () => void this.afterConnect(),
        onDisconnected: () => this.afterDisconnect(),
        onFrame: (destination, body, headers) => this.handleFrame(destination, body, headers),
        onError: (error) => this.emitter.emit('error', error),
      },
    );
  }

  // ── lifecycle ────────────────────────────────────────────────────────────

  /** Current connection state. */
  get state(): ConnectionState {
    return this.stateValue;
  }

  /** The last update-log number applied; persist it and pass it as `initialUserSeq` to resume. */
  get userSeq(): number | null {
    return this.updates.userSeq;
  }

  /** My user id, known after `me()` (or after `connect()`, which calls it). */
  get userId(): number | null {
    return this.myId;
  }

  /** Registers a listener; returns a function that removes it. */
  on<K extends keyof ParleyEvents>(event: K, listener: (...args: ParleyEvents[K]) => void): () => void {
    return this.emitter.on(event, listener);
  }

  /** Registers a listener for the next occurrence only. */
  once<K extends keyof ParleyEvents>(event: K, listener: (...args: ParleyEvents[K]) => void): () => void {
    return this.emitter.once(event, listener);
  }

  /** Removes a listener. */
  off<K extends keyof ParleyEvents>(event: K, listener: (...args: ParleyEvents[K]) => void): void {
    this.emitter.off(event, listener);
  }

  /**
   * Loads the outbox, then connects and keeps reconnecting until `disconnect()`. Resolves at the
   * first CONNECTED (after its sync); rejects only if `disconnect()` comes first.
   */
  async connect(): Promise<void> {
    await this.loadOutbox();
    if (this.myId === null) await this.me().catch((error: unknown) => this.reportError(error));
    if (this.stateValue === 'connected' && this.ready) return;
    const connected = new Promise<void>((resolve, reject) => {
      const offSynced = this.emitter.on('synced', () => {
        if (!this.ready) return;
        cleanup();
        resolve();
      });
      const offState = this.emitter.on('state', (state) => {
        if (state !== 'closed') return;
        cleanup();
        reject(new ParleyError('CLOSED', 'disconnected before connecting'));
      });
      const cleanup = () => {
        offSynced();
        offState();
      };
    });
    this.watchNetwork();
    this.connection.start();
    return connected;
  }

  /** Disconnects and stops reconnecting. Unsent messages stay in the outbox for the next `connect()`. */
  async disconnect(): Promise<void> {
    this.removeNetworkWatch?.();
    this.removeNetworkWatch = null;
    this.updates.dispose();
    await this.connection.stop();
    this.clearTimers();
  }

  /** Skips the remaining backoff and reconnects now (no-op while connected). */
  reconnectNow(): void {
    this.connection.reconnectNow();
  }

  /** Closes the socket as a network failure would (for tests and diagnostics); reconnects as usual. */
  dropConnection(): void {
    this.connection.drop();
  }

  /** Reads the update log from the last applied entry and applies what is new. */
  sync(): Promise<void> {
    return this.updates.sync();
  }

  // ── sending ──────────────────────────────────────────────────────────────

  /**
   * Queues a message. Resolves once it is in the outbox (persisted), with its `clientMsgId`; the
   * `outbox` event then reports `sending`, `sent` (with the stored message) or `failed`. Use
   * `waitForSent` to await the stored message. Rejects with VALIDATION_FAILED for content the
   * server would refuse (empty or too long text, bad sticker code), and with PAYLOAD_TOO_LARGE for
   * a message that does not fit in one STOMP frame (64 KiB).
   */
  async send(input: SendInput): Promise<OutboxItem> {
    const messageType = input.messageType ?? 'TEXT';
    validateContent(messageType, input.content);
    await this.loadOutbox();
    const body = {
      receiverId: input.receiverId,
      messageType,
      content: input.content,
      clientMsgId: input.clientMsgId ?? newClientMsgId(),
      ...(input.extra !== undefined ? { extra: input.extra } : {}),
    };
    checkFrameSize(body);
    const item = await this.outbox.add(body);
    this.flush();
    return { ...item };
  }

  /** Queues a text message and resolves with the stored message (see `send`). */
  async sendText(receiverId: number, text: string): Promise<Message> {
    const item = await this.send({ receiverId, messageType: 'TEXT', content: text });
    return this.waitForSent(item.clientMsgId);
  }

  /** Resolves with the stored message once the outbox item is acknowledged; rejects when it fails. */
  waitForSent(clientMsgId: string): Promise<Message> {
    const current = this.outbox.get(clientMsgId);
    if (!current) return Promise.reject(new ParleyError('MESSAGE_NOT_FOUND', `no outbox item ${clientMsgId}`));
    if (current.state === 'failed') return Promise.reject(outboxError(current));
    return new Promise((resolve, reject) => {
      const off = this.emitter.on('outbox', (item) => {
        if (item.clientMsgId !== clientMsgId) return;
        if (item.state === 'sent' && item.message) {
          off();
          resolve(item.message);
        } else if (item.state === 'failed') {
          off();
          reject(outboxError(item));
        }
      });
    });
  }

  /** Messages not yet acknowledged, oldest first (copies). */
  pendingMessages(): OutboxItem[] {
    return this.outbox.list().map((item) => ({ ...item }));
  }

  /** Loads the outbox left by a previous run (persistent storage) and returns its items (copies). */
  async restoreOutbox(): Promise<OutboxItem[]> {
    await this.loadOutbox();
    return this.pendingMessages();
  }

  /** Queues a failed message again. */
  retry(clientMsgId: string): boolean {
    const ok = this.outbox.retry(clientMsgId);
    this.flush();
    return ok;
  }

  /** Drops an unacknowledged message from the outbox. */
  discard(clientMsgId: string): boolean {
    this.clearAckTimer(clientMsgId);
    return this.outbox.discard(clientMsgId);
  }

  /** Tells the peer I am (not) typing; throttled, and dropped while disconnected. */
  setTyping(receiverId: number, typing: boolean): void {
    if (this.stateValue !== 'connected') return;
    if (!this.typingThrottle.shouldSend(receiverId, typing)) return;
    this.connection.publish('/app/chat.typing', { receiverId, typing });
  }

  // ── REST helpers ─────────────────────────────────────────────────────────

  /** My profile (private fields included); also records my user id. */
  async me(): Promise<OwnProfile> {
    const profile = await this.api.me();
    this.myId = profile.id;
    return profile;
  }

  /** Changes my profile (name, avatar, WeChat id, photos for exchanges). */
  updateMe(update: ProfileUpdate): Promise<OwnProfile> {
    return this.api.updateMe(update);
  }

  /**
   * One page of my conversations, newest activity first. The first call also sets the update-log
   * baseline, so that everything after this list arrives as events.
   */
  async conversations(options: { limit?: number; before?: string } = {}): Promise<ConversationPage> {
    const page = await this.api.conversations(options);
    this.updates.setBaseline(page.userSeq);
    return page;
  }

  /** Messages with `peerUserId`, ascending by seq; without bounds the latest page. */
  history(peerUserId: number, options: HistoryOptions = {}): Promise<HistoryPage> {
    return this.api.history(peerUserId, options);
  }

  /** The page of messages just older than `oldestSeq` (upward infinite scroll). */
  olderHistory(peerUserId: number, oldestSeq: number, limit: number = LIMITS.historyDefaultLimit): Promise<HistoryPage> {
    return this.api.history(peerUserId, { beforeSeq: oldestSeq, limit });
  }

  /** Marks a conversation read up to `upToSeq` (default: all); the peer gets a read receipt. */
  markRead(conversationId: number, upToSeq?: number): Promise<ReadResult> {
    return this.api.markRead(conversationId, upToSeq);
  }

  /** Asks the peer to swap WeChat ids or photos (needs my own on file: PROFILE_INCOMPLETE otherwise). */
  requestExchange(receiverId: number, kind: ExchangeKind): Promise<WithUserSeq<Message>> {
    return this.api.requestExchange(receiverId, kind);
  }

  /** Accepts or declines an exchange request I received. */
  respondExchange(messageId: number, accept: boolean): Promise<WithUserSeq<Message>> {
    return this.api.respondExchange(messageId, accept);
  }

  /** Recalls my message (within 2 minutes). */
  recall(messageId: number): Promise<WithUserSeq<Message>> {
    return this.api.recall(messageId);
  }

  /** Presence of the given users (those sharing a conversation with me; others read as offline). */
  presence(userIds: readonly number[]): Promise<PresenceItem[]> {
    return this.api.presence(userIds);
  }

  /** Blocks a user: their sends to me fail with BLOCKED. */
  block(userId: number): Promise<void> {
    return this.api.block(userId);
  }

  /** Lifts a block. */
  unblock(userId: number): Promise<void> {
    return this.api.unblock(userId);
  }

  /** The users I blocked. */
  async blockedUserIds(): Promise<number[]> {
    return (await this.api.blocks()).map((b) => b.userId);
  }

  /**
   * Uploads an image, voice or video file (`POST /media`); send its `url` as the content of an
   * IMAGE/VOICE/VIDEO message. `file` is a Blob/File, or a local path with `miniProgramUploader`.
   */
  async uploadMedia(
    file: Blob | string,
    options: { fileName?: string; onProgress?: (progress: UploadProgress) => void; signal?: AbortSignal } = {},
  ): Promise<UploadedMedia> {
    const url = this.api.url('/media');
    const fileName = options.fileName ?? ((file as { name?: string }).name || 'upload');
    for (let attempt = 0; ; attempt++) {
      const token = attempt === 0 ? await this.tokens.current() : await this.tokens.refresh();
      const request: Parameters<Uploader>[0] = { url, token, file, fileName };
      if (options.onProgress) request.onProgress = options.onProgress;
      if (options.signal) request.signal = options.signal;
      const response = await this.uploader(request);
      if (response.status === 401 && attempt === 0) continue;
      if (response.status >= 200 && response.status < 300) return response.body as UploadedMedia;
      throw ParleyError.fromBody(response.body, response.status);
    }
  }

  // ── internals ────────────────────────────────────────────────────────────

  private loadOutbox(): Promise<void> {
    this.outboxLoaded ??= this.outbox.load().catch((error: unknown) => this.reportError(error));
    return this.outboxLoaded;
  }

  private async afterConnect(): Promise<void> {
    this.ready = false;
    this.typingThrottle.reset();
    try {
      await this.updates.sync();
    } catch (error) {
      this.reportError(error);
    }
    if (this.stateValue !== 'connected') return;
    this.ready = true;
    this.emitter.emit('synced', { userSeq: this.updates.userSeq ?? 0, applied: 0 });
    this.flush();
  }

  private afterDisconnect(): void {
    this.ready = false;
    this.clearTimers();
    this.outbox.requeueAllSending();
  }

  private handleFrame(destination: string, text: string, headers: Record<string, string>): void {
    const kind: PushKind | undefined = DESTINATIONS[destination as keyof typeof DESTINATIONS];
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      this.emitter.emit('error', new ParleyError('INTERNAL', `unparsable push on ${destination}`));
      return;
    }
    const userSeqHeader = headers['user-seq'];
    const userSeq = userSeqHeader !== undefined && /^\d+$/.test(userSeqHeader) ? Number(userSeqHeader) : null;
    switch (kind) {
      case 'typing':
        this.emitter.emit('typing', body as ParleyEvents['typing'][0]);
        return;
      case 'presence':
        this.emitter.emit('presence', body as ParleyEvents['presence'][0]);
        return;
      case 'error':
        this.handleErrorPush(ParleyError.fromBody(body));
        return;
      case 'message':
      case 'read':
      case 'recall':
      case 'exchange': {
        const event = { userSeq: userSeq ?? 0, type: kind, data: body } as SyncEvent;
        if (userSeq === null) this.applyUnlogged(event);
        else this.updates.receive(event);
        return;
      }
      case undefined:
        return;
    }
  }

  /** A push without user-seq: the echo of a repeated send (or a server that does not log it). */
  private applyUnlogged(event: SyncEvent): void {
    if (event.type === 'message') this.applyMessage(event.data, { source: 'echo', userSeq: null });
    else this.applyLogged(event, 'push', null);
  }

  private applyLogged(event: SyncEvent, source: 'push' | 'sync', userSeq: number | null = event.userSeq): void {
    const meta = { source, userSeq };
    switch (event.type) {
      case 'message':
        this.applyMessage(event.data, meta);
        return;
      case 'read':
        this.emitter.emit('read', event.data, meta);
        return;
      case 'recall':
        this.emitter.emit('recall', event.data, meta);
        return;
      case 'exchange':
        this.emitter.emit('exchange', event.data, meta);
        return;
    }
  }

  private applyMessage(message: Message, meta: MessageMeta): void {
    const clientMsgId = message.clientMsgId === null || message.clientMsgId === undefined ? null : String(message.clientMsgId);
    const isNew = this.seen.add(message.id);
    if (clientMsgId !== null) {
      const item = this.outbox.get(clientMsgId);
      if (item && item.body.receiverId === message.receiverId) {
        this.clearAckTimer(clientMsgId);
        this.outbox.ack(clientMsgId, message);
        this.flush();
      }
    }
    if (isNew) this.emitter.emit('message', message, meta);
  }

  private handleErrorPush(error: ParleyError): void {
    const clientMsgId = error.details.clientMsgId;
    const item = clientMsgId ? this.outbox.get(clientMsgId) : undefined;
    if (clientMsgId && item && item.state !== 'failed') {
      this.clearAckTimer(clientMsgId);
      const reason = { code: error.code, message: error.message };
      if (TRANSIENT_SEND_ERRORS.has(error.code)) {
        const delay = error.details.retryAfterMs ?? Math.min(30_000, 1000 * 2 ** Math.min(item.attempts, 5));
        this.outbox.requeue(clientMsgId, Date.now() + delay, reason);
      } else {
        this.outbox.fail(clientMsgId, reason);
      }
      this.flush();
    }
    this.emitter.emit('error', error);
  }

  /** Writes due outbox items while connected and synced. */
  private flush(): void {
    if (this.stateValue !== 'connected' || !this.ready) return;
    for (const item of this.outbox.due(this.options.maxInFlight ?? 32)) {
      if (sendBodyBytes(item.body) > MAX_SEND_BODY_BYTES) {
        // Left by an older run: the server would end the connection on every attempt.
        this.outbox.fail(item.clientMsgId, { code: 'PAYLOAD_TOO_LARGE', message: 'the message does not fit in one STOMP frame' });
        continue;
      }
      const receiptId = `send-${++this.receiptCounter}`;
      const ok = this.connection.publish('/app/chat.send', item.body, { id: receiptId, onReceipt: () => undefined });
      if (!ok) break;
      this.outbox.markSending(item.clientMsgId);
      this.armAckTimer(item.clientMsgId);
    }
    this.armDueTimer();
  }

  private armAckTimer(clientMsgId: string): void {
    this.clearAckTimer(clientMsgId);
    const timer = setTimeout(() => {
      this.ackTimers.delete(clientMsgId);
      this.outbox.requeue(clientMsgId);
      this.flush();
    }, this.options.ackTimeoutMs ?? 10_000);
    this.ackTimers.set(clientMsgId, timer);
  }

  private clearAckTimer(clientMsgId: string): void {
    const timer = this.ackTimers.get(clientMsgId);
    if (timer) clearTimeout(timer);
    this.ackTimers.delete(clientMsgId);
  }

  private armDueTimer(): void {
    if (this.dueTimer) clearTimeout(this.dueTimer);
    this.dueTimer = null;
    const next = this.outbox.nextDueAt();
    if (next === null) return;
    this.dueTimer = setTimeout(() => {
      this.dueTimer = null;
      this.flush();
    }, Math.max(0, next - Date.now()));
  }

  private clearTimers(): void {
    for (const timer of this.ackTimers.values()) clearTimeout(timer);
    this.ackTimers.clear();
    if (this.dueTimer) clearTimeout(this.dueTimer);
    this.dueTimer = null;
  }

  private watchNetwork(): void {
    const target = globalThis as { addEventListener?: (type: string, cb: () => void) => void; removeEventListener?: (type: string, cb: () => void) => void; window?: unknown };
    if (this.removeNetworkWatch || this.options.watchNetwork === false || !target.window || !target.addEventListener) return;
    const online = () => this.reconnectNow();
    target.addEventListener('online', online);
    this.removeNetworkWatch = () => target.removeEventListener?.('online', online);
  }

  private reportError(error: unknown): void {
    this.emitter.emit('error', error instanceof ParleyError ? error : new ParleyError('NETWORK', String(error), { cause: error }));
  }
}

function outboxError(item: OutboxItem): ParleyError {
  const code = item.error?.code as ParleyError['code'] | undefined;
  return new ParleyError(code ?? 'INTERNAL', item.error?.message ?? 'send failed', { clientMsgId: item.clientMsgId });
}

/**
 * The largest SEND body that fits in one STOMP frame (64 KiB with its headers). The server ends the
 * connection on a larger frame, so such a message would cut the connection again on every resend.
 */
const MAX_SEND_BODY_BYTES = LIMITS.frameMaxBytes - 512;

function checkFrameSize(body: object): void {
  if (sendBodyBytes(body) > MAX_SEND_BODY_BYTES) {
    throw new ParleyError('PAYLOAD_TOO_LARGE', `the message is larger than ${MAX_SEND_BODY_BYTES} bytes as JSON (content and extra together)`);
  }
}

/** UTF-8 length of the SEND body (no TextEncoder: some mini-program runtimes lack it). */
function sendBodyBytes(body: object): number {
  const text = JSON.stringify(body);
  let bytes = 0;
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    if (unit < 0x80) bytes += 1;
    else if (unit < 0x800) bytes += 2;
    else if (unit >= 0xd800 && unit <= 0xdbff && (text.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      bytes += 4;
      i++;
    } else bytes += 3;
  }
  return bytes;
}

/** Client-side check of the contract's content rules, so obvious mistakes fail before queueing. */
function validateContent(type: SendableMessageType, content: string): void {
  const fail = (why: string) => {
    throw new ParleyError('VALIDATION_FAILED', why);
  };
  if (typeof content !== 'string') fail('content must be a string');
  if (type === 'TEXT') {
    const length = [...content.trim()].length;
    if (length < 1) fail('text is empty');
    if (length > LIMITS.textMaxChars) fail(`text is longer than ${LIMITS.textMaxChars} characters`);
  } else if (type === 'EMOJI') {
    if (content.length < 1 || content.length > LIMITS.emojiCodeMaxChars) fail('sticker code must be 1–64 characters');
  } else if (!content) {
    fail(`${type} needs the uploaded media URL as content`);
  }
}
