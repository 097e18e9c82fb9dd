import {
  fromHubMessage,
  HUB_COMMAND_METHODS,
  LIMITS,
  type ConversationChange,
  type ConversationPage,
  type ConversationSettingsBody,
  type ExchangeKind,
  type HideNotice,
  type HistoryPage,
  type Message,
  type PresenceItem,
  type ReactionNotice,
  type Report,
  type ReportBody,
  type ReportReason,
  type SendableMessageType,
  type UnmatchResult,
  type UserSettingsBody,
  type UploadedMedia,
  type WireHubMessage,
} from '@parley/protocol';
import { Backoff } from './backoff.js';
import { ConnectionLifecycle } from './connection-lifecycle.js';
import { TypedEmitter } from './emitter.js';
import { ParleyError } from './errors.js';
import type { ParleyEvents } from './events.js';
import { fetchHttp, type HttpTransport } from './http-transport.js';
import type { OutboxItem } from './outbox-item.js';
import { OutboxSender } from './outbox-sender.js';
import { MemoryOutboxStorage } from './outbox-storage.js';
import { newClientMsgId, Outbox } from './outbox.js';
import { defaultBaseUrl, deriveHubUrl, deriveWsUrl, type ParleyClientOptions } from './parley-client-options.js';
import { hubResult } from './hub-push-decoder.js';
import { OperationRunner } from './operation-runner.js';
import { PushRouter } from './push-router.js';
import type { ConnectionState, RealtimeConnection, RealtimeHooks } from './realtime-connection.js';
import {
  RestApi,
  type ConversationListOptions,
  type HistoryOptions,
  type OwnProfile,
  type ProfileUpdate,
  type ReadResult,
  type SearchOptions,
  type SearchPage,
  type UserSettings,
  type WithUserSeq,
} from './rest-api.js';
import { checkFrameSize, validateContent, validateExtra } from './send-checks.js';
import { SignalRConnection } from './signalr-connection.js';
import { browserSocketFactory } from './socket-factory.js';
import { StompConnection } from './stomp-connection.js';
import { TokenSource } from './token-source.js';
import { TypingThrottle } from './typing-throttle.js';
import { UpdateSequencer } from './update-sequencer.js';
import { defaultUploader, type UploadProgress, type Uploader } from './upload.js';

export type { ParleyClientOptions } from './parley-client-options.js';

/** What `send` takes: the SendMessage fields; `clientMsgId` is generated when absent. */
export interface SendInput {
  receiverId: number;
  messageType?: SendableMessageType;
  content: string;
  extra?: Record<string, unknown> | null;
  clientMsgId?: string;
  /** Quote a message of the same conversation: the stored message carries `replyTo`, a snapshot of it. */
  replyToId?: number;
}

/** What `report` takes besides the user and the reason. */
export interface ReportOptions {
  /** Messages of our conversation to put first in the evidence (at most 50). */
  messageIds?: number[];
  /** What happened, in the reporter's words (at most 500 characters). */
  note?: string;
}

/**
 * A Parley connection for one signed-in user: live pushes over STOMP (or SignalR with
 * `transport: 'signalr'`), everything else over REST.
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
  private readonly connection: RealtimeConnection;
  /** Set with `transport: 'signalr'`: read marks, exchange requests and recalls go through the hub while connected. */
  private readonly hub: SignalRConnection | null;
  private readonly outbox: Outbox;
  private readonly updates: UpdateSequencer;
  private readonly sender: OutboxSender;
  private readonly router: PushRouter;
  private readonly lifecycle: ConnectionLifecycle;
  private readonly typingThrottle: TypingThrottle;
  private readonly uploader: Uploader;
  private readonly operations: OperationRunner;
  private outboxLoaded: Promise<void> | null = null;
  private myId: number | null = null;

  constructor(options: ParleyClientOptions) {
    const baseUrl = (options.baseUrl ?? defaultBaseUrl()).replace(/\/+$/, '');
    this.tokens = new TokenSource(options.token);
    this.api = new RestApi(baseUrl, this.tokens, options.http ?? fetchHttp(), (error) => this.lifecycle.refuse(error));
    this.uploader = options.uploader ?? defaultUploader;
    this.typingThrottle = new TypingThrottle(options.typingIntervalMs ?? 3000);
    this.outbox = new Outbox(
      options.outboxStorage ?? new MemoryOutboxStorage(),
      (item) => this.emitter.emit('outbox', { ...item }),
      (error) => this.reportError(error),
    );
    this.updates = new UpdateSequencer({
      fetchPage: (since, limit) => this.api.sync(since, limit),
      apply: (event, source) => this.router.applyLogged(event, source),
      onSynced: (userSeq, applied) => this.emitter.emit('synced', { userSeq, applied }),
      onError: (error) => this.reportError(error),
      pageSize: Math.min(options.syncPageSize ?? 500, LIMITS.syncMaxLimit),
      initialUserSeq: options.initialUserSeq ?? null,
    });
    const hooks: RealtimeHooks = {
      onState: (state) => this.lifecycle.onState(state),
      onConnected: () => void this.lifecycle.afterConnect(),
      onDisconnected: () => this.lifecycle.afterDisconnect(),
      onPush: (push) => this.router.route(push),
      onError: (error) => this.emitter.emit('error', error),
      onRefused: (error) => this.lifecycle.refuse(error),
    };
    this.hub = options.transport === 'signalr' ? this.signalRConnection(baseUrl, options, hooks, options.http ?? fetchHttp()) : null;
    this.connection =
      this.hub ??
      new StompConnection(
        {
          url: options.wsUrl ?? deriveWsUrl(baseUrl),
          socketFactory: options.socketFactory ?? browserSocketFactory(),
          tokens: this.tokens,
          backoff: new Backoff(options.reconnect),
          heartbeatMs: options.heartbeatMs ?? 10_000,
          connectTimeoutMs: options.connectTimeoutMs ?? 10_000,
          ...(options.debug ? { debug: options.debug } : {}),
        },
        hooks,
      );
    this.sender = new OutboxSender(this.outbox, this.connection, this.emitter, () => this.lifecycle.ready, options);
    this.router = new PushRouter(this.emitter, this.updates, this.sender);
    this.operations = new OperationRunner(() => this.connectedHub(), options.operationRetry ?? {});
    this.lifecycle = new ConnectionLifecycle(this.connection, this.emitter, this.updates, this.sender, this.typingThrottle, (error) => this.reportError(error), options);
  }

  // ── lifecycle ────────────────────────────────────────────────────────────

  /** Current connection state. */
  get state(): ConnectionState {
    return this.lifecycle.state;
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
   * first CONNECTED (after its sync); rejects if `disconnect()` comes first, or with USER_BANNED
   * when the server refuses this user (the client then stops reconnecting: see the `banned` event).
   */
  async connect(): Promise<void> {
    this.lifecycle.clearRefusal();
    await this.loadOutbox();
    if (this.myId === null) {
      const refused = await this.me().then(
        () => null,
        (error: unknown) => {
          if (error instanceof ParleyError && error.code === 'USER_BANNED') return error;
          this.reportError(error);
          return null;
        },
      );
      if (refused) throw refused;
    }
    if (this.lifecycle.ready) return;
    return this.lifecycle.start();
  }

  /** Why the server ended the session for good (`USER_BANNED`), or null; cleared by `connect()`. */
  get closedReason(): ParleyError | null {
    return this.lifecycle.closedReason;
  }

  /** Disconnects and stops reconnecting. Unsent messages stay in the outbox for the next `connect()`. */
  disconnect(): Promise<void> {
    return this.lifecycle.stop();
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
   * a message that does not fit in one frame (64 KiB over STOMP, a 32 KiB record over SignalR).
   */
  async send(input: SendInput): Promise<OutboxItem> {
    const messageType = input.messageType ?? 'TEXT';
    validateContent(messageType, input.content);
    validateExtra(messageType, input.extra);
    await this.loadOutbox();
    const body = {
      receiverId: input.receiverId,
      messageType,
      content: input.content,
      clientMsgId: input.clientMsgId ?? newClientMsgId(),
      ...(input.extra !== undefined ? { extra: input.extra } : {}),
      ...(input.replyToId !== undefined ? { replyToId: input.replyToId } : {}),
    };
    checkFrameSize(this.connection.sendBytes(body), this.connection.maxSendBytes);
    const item = await this.outbox.add(body);
    this.sender.flush();
    return { ...item };
  }

  /** Queues a text message and resolves with the stored message (see `send`). */
  async sendText(receiverId: number, text: string): Promise<Message> {
    const item = await this.send({ receiverId, messageType: 'TEXT', content: text });
    return this.waitForSent(item.clientMsgId);
  }

  /** Resolves with the stored message once the outbox item is acknowledged; rejects when it fails. */
  waitForSent(clientMsgId: string): Promise<Message> {
    return this.sender.waitForSent(clientMsgId);
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
    return this.sender.retry(clientMsgId);
  }

  /** Drops an unacknowledged message from the outbox. */
  discard(clientMsgId: string): boolean {
    return this.sender.discard(clientMsgId);
  }

  /** Tells the peer I am (not) typing; throttled, and dropped while disconnected. */
  setTyping(receiverId: number, typing: boolean): void {
    if (this.lifecycle.state !== 'connected') return;
    if (!this.typingThrottle.shouldSend(receiverId, typing)) return;
    this.connection.typing(receiverId, typing);
  }

  /**
   * Calls a method of the SignalR hub by name and resolves with its result in the hub's own shape
   * (docs/signalr.md). Only with `transport: 'signalr'`; rejects with NETWORK while disconnected.
   * Prefer the typed helpers: this is for hub methods they do not cover.
   */
  invokeHub(method: string, ...args: unknown[]): Promise<unknown> {
    if (!this.hub) return Promise.reject(new ParleyError('VALIDATION_FAILED', "invokeHub needs transport: 'signalr'"));
    return this.hub.invoke(method, args);
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
   * One page of my conversations: pinned first, then newest activity; archived ones only with
   * `archived: true`; `unreadTotal` over all of them. The first call also sets the update-log
   * baseline, so that everything after this list arrives as events.
   */
  async conversations(options: ConversationListOptions = {}): Promise<ConversationPage> {
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

  /** Marks a conversation read up to `upToSeq` (default: all); the peer gets a read receipt. Over SignalR through the hub while connected. */
  async markRead(conversationId: number, upToSeq?: number): Promise<ReadResult> {
    const hub = this.connectedHub();
    if (hub) {
      const result = (await hub.invoke(HUB_COMMAND_METHODS.markRead[0], upToSeq === undefined ? [conversationId] : [conversationId, upToSeq])) as Record<string, number>;
      return withUserSeq({ conversationId: Number(result.sessionId), readUpToSeq: Number(result.readUpToSeq), unreadCount: Number(result.unreadCount) }, result);
    }
    return this.api.markRead(conversationId, upToSeq);
  }

  /** Asks the peer to swap WeChat ids or photos (needs my own on file: PROFILE_INCOMPLETE otherwise). */
  requestExchange(receiverId: number, kind: ExchangeKind): Promise<WithUserSeq<Message>> {
    const hub = this.connectedHub();
    if (hub) return this.hubMessageCall(hub, HUB_COMMAND_METHODS.requestExchange[kind === 'WECHAT' ? 0 : 1], [receiverId]);
    return this.api.requestExchange(receiverId, kind);
  }

  /** Accepts or declines an exchange request I received. */
  respondExchange(messageId: number, accept: boolean): Promise<WithUserSeq<Message>> {
    return this.api.respondExchange(messageId, accept);
  }

  /** Recalls my message (within 2 minutes). */
  recall(messageId: number): Promise<WithUserSeq<Message>> {
    const hub = this.connectedHub();
    if (hub) return this.hubMessageCall(hub, HUB_COMMAND_METHODS.recall[0], [messageId]);
    return this.api.recall(messageId);
  }

  // ── messages and conversations: edit, react, hide, settings, clear, unmatch, report ──
  // Each goes through the hub while the SignalR connection is up and over REST otherwise, and is
  // retried by the rules of the outbox (docs/sdk.md, "Operations"). The change also arrives as
  // its event (edit, reaction, hide, conversation) on every device it concerns, this one included.

  /** Replaces the content of my TEXT message (within the server's edit window: EDIT_WINDOW_PASSED after). The contact guard and word filter apply again. */
  async edit(messageId: number, content: string): Promise<WithUserSeq<Message>> {
    validateContent('TEXT', content);
    return this.operations.run({
      name: 'edit',
      idempotent: true,
      hub: { method: HUB_COMMAND_METHODS.edit[0], args: [messageId, content], result: hubMessageResult },
      rest: () => this.api.edit(messageId, content),
    });
  }

  /** Sets my reaction to a message (one per user: another emoji replaces it), or removes it with `null`. */
  async react(messageId: number, emoji: string | null): Promise<WithUserSeq<ReactionNotice>> {
    if (emoji !== null) {
      const length = [...emoji].length;
      if (length < 1 || length > LIMITS.reactionMaxChars) throw new ParleyError('VALIDATION_FAILED', `a reaction is 1–${LIMITS.reactionMaxChars} characters`);
    }
    return this.operations.run({
      name: 'react',
      idempotent: true,
      hub: { method: HUB_COMMAND_METHODS.react[0], args: [messageId, emoji], result: hubResult<WithUserSeq<ReactionNotice>> },
      rest: () => this.api.react(messageId, emoji),
    });
  }

  /**
   * Reports a user I share a conversation with. The server keeps the listed messages and the
   * conversation's latest ones as evidence. Not repeated after an answer was lost (it may be stored).
   */
  report(userId: number, reason: ReportReason, options: ReportOptions = {}): Promise<Report> {
    const body: ReportBody = { userId, reason, ...(options.messageIds?.length ? { messageIds: options.messageIds } : {}), ...(options.note ? { note: options.note } : {}) };
    return this.operations.run({
      name: 'report',
      idempotent: false,
      hub: { method: HUB_COMMAND_METHODS.report[0], args: [body], result: (value) => value as Report },
      rest: () => this.api.report(body),
    });
  }

  /** Ends a conversation for both users: it leaves both lists and neither may write to the other (BLOCKED) until an admin undoes it. */
  unmatch(conversationId: number): Promise<WithUserSeq<UnmatchResult>> {
    return this.operations.run({
      name: 'unmatch',
      idempotent: true,
      hub: { method: HUB_COMMAND_METHODS.unmatch[0], args: [conversationId], result: hubResult<WithUserSeq<UnmatchResult>> },
      rest: () => this.api.unmatch(conversationId),
    });
  }

  /** Hides a message on my devices only ("delete for me"); the peer still sees it. */
  hide(messageId: number): Promise<WithUserSeq<HideNotice>> {
    return this.operations.run({
      name: 'hide',
      idempotent: true,
      hub: { method: HUB_COMMAND_METHODS.hideMessage[0], args: [messageId], result: hubResult<WithUserSeq<HideNotice>> },
      rest: () => this.api.hide(messageId),
    });
  }

  /** Pins, mutes (no notifications) or archives a conversation for me; fields left out keep their value. */
  updateConversation(conversationId: number, settings: ConversationSettingsBody): Promise<WithUserSeq<ConversationChange>> {
    return this.operations.run({
      name: 'updateConversation',
      idempotent: true,
      hub: { method: HUB_COMMAND_METHODS.updateConversation[0], args: [conversationId, settings], result: hubResult<WithUserSeq<ConversationChange>> },
      rest: () => this.api.updateConversation(conversationId, settings),
    });
  }

  /**
   * Clears a conversation for me: its history up to now is hidden on my devices and it leaves my
   * list until a new message arrives. A retry after a lost answer clears up to the newest message
   * at that time, which is what the user asked for.
   */
  clearConversation(conversationId: number): Promise<WithUserSeq<ConversationChange>> {
    return this.operations.run({
      name: 'clearConversation',
      idempotent: true,
      hub: { method: HUB_COMMAND_METHODS.clearConversation[0], args: [conversationId], result: hubResult<WithUserSeq<ConversationChange>> },
      rest: () => this.api.clearConversation(conversationId),
    });
  }

  /** Searches my TEXT messages for `q` (2–64 characters, a substring: `信号` finds `没有信号了`), newest first. */
  search(q: string, options: SearchOptions = {}): Promise<SearchPage> {
    return this.api.search(q, options);
  }

  /** Unread messages over all my conversations (for a badge or the tab title). */
  unreadTotal(): Promise<number> {
    return this.api.unreadTotal();
  }

  /** My settings (`readReceipts`). */
  settings(): Promise<UserSettings> {
    return this.api.settings();
  }

  /** Changes my settings. `readReceipts: false` is reciprocal: I neither send nor see read receipts (`peerReadUpToSeq` is null). */
  updateSettings(settings: UserSettingsBody): Promise<UserSettings> {
    return this.api.updateSettings(settings);
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
      throw this.api.failure(response.body, response.status);
    }
  }

  // ── internals ────────────────────────────────────────────────────────────

  private signalRConnection(baseUrl: string, options: ParleyClientOptions, hooks: RealtimeHooks, http: HttpTransport): SignalRConnection {
    return new SignalRConnection(
      {
        hubUrl: options.hubUrl ?? deriveHubUrl(baseUrl),
        socketFactory: options.socketFactory ?? browserSocketFactory(),
        http,
        tokens: this.tokens,
        backoff: new Backoff(options.reconnect),
        pingIntervalMs: options.heartbeatMs ?? 10_000,
        serverTimeoutMs: options.serverTimeoutMs ?? 30_000,
        connectTimeoutMs: options.connectTimeoutMs ?? 10_000,
        ...(options.debug ? { debug: options.debug } : {}),
      },
      hooks,
    );
  }

  /** The SignalR connection when it is up; null over STOMP or while disconnected (REST answers then). */
  private connectedHub(): SignalRConnection | null {
    return this.hub !== null && this.hub.current === 'connected' ? this.hub : null;
  }

  private async hubMessageCall(hub: SignalRConnection, method: string, args: unknown[]): Promise<WithUserSeq<Message>> {
    return hubMessageResult(await hub.invoke(method, args));
  }

  private loadOutbox(): Promise<void> {
    this.outboxLoaded ??= this.outbox.load().catch((error: unknown) => this.reportError(error));
    return this.outboxLoaded;
  }

  private reportError(error: unknown): void {
    this.emitter.emit('error', error instanceof ParleyError ? error : new ParleyError('NETWORK', String(error), { cause: error }));
  }
}

/** A hub method's result that is a hub message (with my `userSeq`), as the canonical message. */
function hubMessageResult(value: unknown): WithUserSeq<Message> {
  const result = value as WireHubMessage & { userSeq?: number };
  return withUserSeq(fromHubMessage(result), result);
}

function withUserSeq<T extends object>(value: T, from: { userSeq?: unknown }): WithUserSeq<T> {
  return typeof from.userSeq === 'number' ? { ...value, userSeq: from.userSeq } : value;
}
