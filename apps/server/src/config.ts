/**
 * The only reader of process.env. Every setting (the configuration tables of README.md) is parsed, validated and
 * frozen here; a bad value stops the server with a message that names the variable.
 */
import { randomUUID } from 'node:crypto';
import { PREVIEW_MODES, type PreviewMode } from './domain/notification-rules.js';
import { OUTBOX_EVENT_NAMES, type OutboxEventName } from './domain/outbox-events.js';

export interface MediaLimits {
  imageMaxBytes: number;
  voiceMaxBytes: number;
  videoMaxBytes: number;
  /** Uploads one user may make per minute (a window that opens with their first upload). */
  uploadsPerMinute: number;
  /** Bytes of stored media one user may hold (sum of their uploads' sizes). */
  quotaBytes: number;
  /** An upload no message or profile has used after this long is deleted. */
  unusedGraceMs: number;
  /** How often each node deletes unused uploads. */
  sweepIntervalMs: number;
}

export interface JwtConfig {
  secret: string | null;
  jwksUrl: string | null;
  issuer: string | null;
  audience: string | null;
  userClaim: string;
  /** Longest accepted token lifetime in seconds (`exp − iat`, and age since `iat`). */
  maxAgeSeconds: number;
}

/** Who sees a user's online status: everyone they share a conversation with, or only peers who both wrote in it. */
export type PresenceScope = 'conversation' | 'mutual';

/** How the web client served at `/` signs in from a host app and where it may be embedded. */
export interface WebClientConfig {
  /** Where the web client fetches `{"token"}` with the host app's cookies (absolute URL or a path); null → not used. */
  tokenUrl: string | null;
  /** CSP `frame-ancestors` sources of the web client's pages; also the origins whose `postMessage` token it accepts. */
  frameAncestors: string[];
}

/** STOMP door timings and limits (docs/protocols/stomp.md); the defaults are the production values. */
export interface StompConfig {
  /** Heart-beat the server offers both ways (`heart-beat:sx,sy`); 0 turns heart-beats off. A client silent for 3× the agreed interval is dropped. */
  heartbeatMs: number;
  /** A connection without a successful CONNECT after this long gets ERROR and is closed (Spring's time to first message). */
  connectTimeoutMs: number;
  /** A connection whose unsent output passes this many bytes is closed with a reconnect hint. */
  sendBufferBytes: number;
  /** SockJS `h` frame interval on an idle receiving connection. */
  sockjsHeartbeatMs: number;
  /** A SockJS session without a receiving request for this long is closed. */
  sockjsDisconnectMs: number;
}

/**
 * SignalR door timings and limits; the defaults follow ASP.NET Core SignalR, so clients written
 * for it (the mini-program's ChatHub client, @microsoft/signalr) keep their own defaults.
 */
export interface SignalRConfig {
  /** Send a Ping after this long without sending anything (WebSockets, SSE). */
  keepAliveIntervalMs: number;
  /** Drop a client that has pinged once and then sent nothing for this long. */
  clientTimeoutMs: number;
  /** A transport that sends no handshake within this long gets "Handshake was canceled." */
  handshakeTimeoutMs: number;
  /** A connection token not used by a transport request within this long is refused (404). */
  unusedTokenTtlMs: number;
  /** A pending long poll answers 200 with an empty body after this long. */
  longPollTimeoutMs: number;
  /** A long-polling connection with no poll for this long is disposed. */
  longPollIdleMs: number;
  /** A stateful WebSocket connection waits this long for its client to resume after a drop. */
  statefulReconnectWindowMs: number;
  /** How often Acks are sent to a stateful client whose messages were received. */
  ackIntervalMs: number;
  /** Largest incoming hub message (one record) in bytes; larger ends the connection with a Close error. */
  maxMessageBytes: number;
  /** Bytes queued towards a client (transport buffer or unacked stateful buffer) before it is closed with a reconnect hint. */
  maxBufferedBytes: number;
  /** Largest transport message: one WebSocket message or one POST body, which may hold several records. */
  maxTransportMessageBytes: number;
  /** Hub calls queued on one connection (they run one at a time); more ends the connection. */
  maxPendingInvocations: number;
}

export const DEFAULT_SIGNALR_CONFIG: Readonly<SignalRConfig> = Object.freeze({
  keepAliveIntervalMs: 15_000,
  clientTimeoutMs: 30_000,
  handshakeTimeoutMs: 15_000,
  unusedTokenTtlMs: 15_000,
  longPollTimeoutMs: 90_000,
  longPollIdleMs: 15_000,
  statefulReconnectWindowMs: 15_000,
  ackIntervalMs: 1_000,
  maxMessageBytes: 32 * 1024,
  maxBufferedBytes: 1024 * 1024,
  maxTransportMessageBytes: 1024 * 1024,
  maxPendingInvocations: 256,
});

/** Slow and greedy HTTP clients, on every route and door (see http/slow-client-guard.ts). */
export interface HttpClientLimits {
  /** Least average request-body rate (bytes/s) after the grace period; 0 turns the rule off. */
  minBodyRateBps: number;
  /** How long a body may arrive at any rate before the minimum applies. */
  bodyGraceMs: number;
  /** A request whose headers are not complete by then is answered 408 and closed. */
  headersTimeoutMs: number;
  /** Open connections one remote address may hold; 0 turns the cap off. */
  maxConnectionsPerAddress: number;
}

/** What the contact guard does with contact details in a TEXT message between strangers. */
export type ContactGuardMode = 'mask' | 'block' | 'off';

/** The before-send hook: the host app's endpoint that may allow, refuse or rewrite each message. */
export interface SendHookConfig {
  url: string;
  /** HMAC-SHA256 key of `X-Parley-Signature`; empty signs with an empty key (set one in production). */
  secret: string;
  timeoutMs: number;
  /** On a timeout, connection error or unexpected answer: store anyway (true) or refuse with UNAVAILABLE. */
  failOpen: boolean;
}

/** Safety on the send path (docs/safety.md). */
export interface SendSafetyConfig {
  contactGuard: ContactGuardMode;
  /** Null: no hook. */
  hook: SendHookConfig | null;
  /** Messages to a peer who never answered; 0 = off. */
  firstContactLimit: number;
  /** Conversations one user may start per rolling 24 hours; 0 = off. */
  newConversationsPerDay: number;
  /** How often each node checks whether the moderation word lists changed. */
  wordListPollMs: number;
}

/** WeChat mini-program subscribe messages (docs/notifications.md); all three ids or none. */
export interface WeChatSubscribeConfig {
  appId: string;
  secret: string;
  templateId: string;
  /** Mini-program page a notification opens, `?conversationId=…` appended. */
  page: string;
}

/** WeChat Official Account (服务号) template messages; all three ids or none. */
export interface WeChatOfficialAccountConfig {
  appId: string;
  secret: string;
  templateId: string;
}

/** Web Push with VAPID: the key pair (URL-safe base64) and the contact the push services see. */
export interface WebPushConfig {
  publicKey: string;
  privateKey: string;
  subject: string;
}

/** Push channels that reach offline users besides the webhook; a channel whose settings are absent is off. */
export interface PushChannelsConfig {
  wechat: WeChatSubscribeConfig | null;
  wechatOa: WeChatOfficialAccountConfig | null;
  /** WeChat's API origin, for both WeChat channels. */
  wechatApiBase: string;
  /** Time zone of the time shown in WeChat messages (`YYYY-MM-DD HH:mm`). */
  wechatTimeZone: string;
  webPush: WebPushConfig | null;
}

/** A signed HTTP endpoint of the host application. */
export interface SignedEndpoint {
  url: string;
  /** HMAC-SHA256 key of `X-Parley-Signature`; empty signs with an empty key (set one in production). */
  secret: string;
}

/** The durable outbox: offline notifications, the webhook channel and event webhooks (docs/notifications.md). */
export interface OutboxConfig {
  /** The webhook notification channel; null → off. */
  webhook: SignedEndpoint | null;
  /** Event webhooks and the events sent; null → no events are recorded. */
  events: (SignedEndpoint & { names: OutboxEventName[] }) | null;
  /** A new notification waits this long for more messages of its conversation. */
  coalesceMs: number;
  preview: PreviewMode;
  /** Finished notifications and events are deleted after this long. */
  retentionMs: number;
  /** How often each node's worker looks for due rows. */
  pollMs: number;
  /** One webhook request may take this long before it counts as a timeout (retried). */
  requestTimeoutMs: number;
}

export interface Config {
  port: number;
  host: string;
  /** `postgres://…` or null for embedded PGlite in `dataDir`. */
  databaseUrl: string | null;
  /** Directory for the embedded database and media, or `memory://`. */
  dataDir: string;
  redisUrl: string | null;
  /** Key prefix for everything this deployment keeps in Redis (tests isolate with it). */
  redisPrefix: string;
  /** With Redis: a node that has not refreshed its presence for this long is dead and its users go offline. */
  presenceTtlMs: number;
  presenceScope: PresenceScope;
  jwt: JwtConfig;
  devAuth: boolean;
  adminToken: string | null;
  /** Distinct users whose open reports about one user within 24 hours mute that user until an operator decides; 0 = off. */
  reportsAutoMute: number;
  /** Bearer token `/metrics` asks for; null leaves it open. */
  metricsToken: string | null;
  /**
   * Whether `/metrics` also reports the Node process (CPU, memory, event loop, GC). Its collectors
   * live as long as the process, so embedders that build many apps in one process turn it off.
   */
  processMetrics: boolean;
  sendRatePerSecond: number;
  sendBurst: number;
  typingRatePerSecond: number;
  /** How long after sending the sender may edit a TEXT message. */
  editWindowMs: number;
  media: MediaLimits;
  /** Base URL clients reach this service at, for absolute media URLs; null → relative `/media/…`. */
  publicUrl: string | null;
  web: WebClientConfig;
  logLevel: string;
  /** Unique per process: names this node in Redis and in connection ids. */
  nodeId: string;
  /** Concurrent send batches in flight against the database. */
  writeConcurrency: number;
  /** Largest messages per send batch. */
  writeBatchMax: number;
  stomp: StompConfig;
  httpClients: HttpClientLimits;
  /** Signs SignalR connection tokens; shared by every node. Null → derived from JWT_SECRET, else a per-process key (one node). */
  signalrSecret: string | null;
  signalr: SignalRConfig;
  outbox: OutboxConfig;
  push: PushChannelsConfig;
  safety: SendSafetyConfig;
}

export class ConfigError extends Error {
  constructor(variable: string, problem: string) {
    super(`Invalid configuration: ${variable} ${problem}`);
    this.name = 'ConfigError';
  }
}

type Env = Record<string, string | undefined>;

function text(env: Env, name: string): string | null {
  const value = env[name]?.trim();
  return value ? value : null;
}

function integer(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = text(env, name);
  if (raw === null) return fallback;
  if (!/^\d+$/.test(raw)) throw new ConfigError(name, `must be a whole number, got "${raw}"`);
  const value = Number(raw);
  if (value < min || value > max) throw new ConfigError(name, `must be between ${min} and ${max}, got ${value}`);
  return value;
}

function positiveNumber(env: Env, name: string, fallback: number): number {
  const raw = text(env, name);
  if (raw === null) return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value <= 0) throw new ConfigError(name, `must be a positive number, got "${raw}"`);
  return value;
}

function flag(env: Env, name: string, fallback: boolean): boolean {
  const raw = text(env, name);
  if (raw === null) return fallback;
  if (/^(1|true|yes|on)$/i.test(raw)) return true;
  if (/^(0|false|no|off)$/i.test(raw)) return false;
  throw new ConfigError(name, `must be true or false, got "${raw}"`);
}

function oneOf<T extends string>(env: Env, name: string, values: readonly T[], fallback: T): T {
  const raw = text(env, name);
  if (raw === null) return fallback;
  if (!(values as readonly string[]).includes(raw)) throw new ConfigError(name, `must be one of ${values.join(', ')}, got "${raw}"`);
  return raw as T;
}

function url(env: Env, name: string, protocols: string[]): string | null {
  const raw = text(env, name);
  if (raw === null) return null;
  let parsed: URL;
  try {
    parsed = new URL(raw);
  } catch {
    throw new ConfigError(name, `must be a URL, got "${raw}"`);
  }
  if (!protocols.includes(parsed.protocol)) {
    throw new ConfigError(name, `must start with ${protocols.map((p) => `${p}//`).join(' or ')}`);
  }
  return raw;
}

/** An absolute http(s) URL, or a path on this origin (a host app behind the same proxy). */
function urlOrPath(env: Env, name: string): string | null {
  const raw = text(env, name);
  if (raw === null) return null;
  if (/^\/(?!\/)\S*$/.test(raw)) return raw;
  return url(env, name, ['http:', 'https:']);
}

// Keywords, schemes and host sources of CSP frame-ancestors; quotes, semicolons and commas would
// let a value smuggle in other directives.
const FRAME_SOURCE = /^(?:'self'|'none'|\*|[a-z][a-z0-9+.-]*:|(?:[a-z][a-z0-9+.-]*:\/\/)?(?:\*\.)?[a-z0-9-]+(?:\.[a-z0-9-]+)*(?::(?:\d{1,5}|\*))?(?:\/[^\s;,']*)?)$/i;

function frameAncestors(env: Env, name: string): string[] {
  const sources = (text(env, name) ?? "'self'").split(/\s+/);
  const bad = sources.find((s) => !FRAME_SOURCE.test(s));
  if (bad !== undefined) throw new ConfigError(name, `must be CSP frame-ancestors sources such as 'self' https://app.example.com, got "${bad}"`);
  if (sources.includes("'none'") && sources.length > 1) throw new ConfigError(name, `'none' cannot be combined with other sources`);
  return sources;
}

function signalrConfig(env: Env): SignalRConfig {
  const d = DEFAULT_SIGNALR_CONFIG;
  const ms = (name: string, fallback: number) => integer(env, name, fallback, 10, 3_600_000);
  return {
    keepAliveIntervalMs: ms('PARLEY_SIGNALR_KEEPALIVE_MS', d.keepAliveIntervalMs),
    clientTimeoutMs: ms('PARLEY_SIGNALR_CLIENT_TIMEOUT_MS', d.clientTimeoutMs),
    handshakeTimeoutMs: ms('PARLEY_SIGNALR_HANDSHAKE_TIMEOUT_MS', d.handshakeTimeoutMs),
    unusedTokenTtlMs: ms('PARLEY_SIGNALR_UNUSED_TOKEN_TTL_MS', d.unusedTokenTtlMs),
    longPollTimeoutMs: ms('PARLEY_SIGNALR_LONG_POLL_TIMEOUT_MS', d.longPollTimeoutMs),
    longPollIdleMs: ms('PARLEY_SIGNALR_LONG_POLL_IDLE_MS', d.longPollIdleMs),
    statefulReconnectWindowMs: ms('PARLEY_SIGNALR_STATEFUL_RECONNECT_WINDOW_MS', d.statefulReconnectWindowMs),
    ackIntervalMs: ms('PARLEY_SIGNALR_ACK_INTERVAL_MS', d.ackIntervalMs),
    maxMessageBytes: integer(env, 'PARLEY_SIGNALR_MAX_MESSAGE_BYTES', d.maxMessageBytes, 1024, 2 ** 30),
    maxBufferedBytes: integer(env, 'PARLEY_SIGNALR_SEND_BUFFER_BYTES', d.maxBufferedBytes, 1024, 2 ** 31),
    maxTransportMessageBytes: integer(env, 'PARLEY_SIGNALR_MAX_TRANSPORT_MESSAGE_BYTES', d.maxTransportMessageBytes, 1024, 2 ** 30),
    maxPendingInvocations: integer(env, 'PARLEY_SIGNALR_MAX_PENDING_INVOCATIONS', d.maxPendingInvocations, 1, 1_000_000),
  };
}

function sendSafetyConfig(env: Env): SendSafetyConfig {
  const hookUrl = url(env, 'PARLEY_HOOK_URL', ['http:', 'https:']);
  return {
    contactGuard: oneOf(env, 'PARLEY_CONTACT_GUARD', ['mask', 'block', 'off'] as const, 'mask'),
    hook: hookUrl
      ? {
          url: hookUrl,
          secret: text(env, 'PARLEY_HOOK_SECRET') ?? '',
          timeoutMs: integer(env, 'PARLEY_HOOK_TIMEOUT_MS', 1000, 1, 60_000),
          failOpen: flag(env, 'PARLEY_HOOK_FAIL_OPEN', true),
        }
      : null,
    firstContactLimit: integer(env, 'PARLEY_FIRST_CONTACT_LIMIT', 0, 0, 1_000_000),
    newConversationsPerDay: integer(env, 'PARLEY_NEW_CONVERSATIONS_PER_DAY', 0, 0, 1_000_000),
    wordListPollMs: integer(env, 'PARLEY_WORD_LIST_POLL_MS', 2000, 50, 60_000),
  };
}

/** A group of settings that is either entirely set or entirely absent. */
function allOrNone<K extends string>(env: Env, names: Record<K, string>): Record<K, string> | null {
  const keys = Object.keys(names) as K[];
  const values = Object.fromEntries(keys.map((key) => [key, text(env, names[key])])) as Record<K, string | null>;
  const missing = keys.filter((key) => values[key] === null);
  if (missing.length === 0) return values as Record<K, string>;
  if (missing.length === keys.length) return null;
  const given = keys.find((key) => values[key] !== null)!;
  throw new ConfigError(names[missing[0]!], `must be set too when ${names[given]} is set`);
}

function vapidKey(name: string, value: string, bytes: number): string {
  if (!/^[A-Za-z0-9_-]+=*$/.test(value) || Buffer.from(value, 'base64url').length !== bytes) {
    throw new ConfigError(name, `must be a URL-safe base64 VAPID key of ${bytes} bytes (npx web-push generate-vapid-keys makes a pair)`);
  }
  return value;
}

function pushChannelsConfig(env: Env): PushChannelsConfig {
  const wechat = allOrNone(env, { appId: 'PARLEY_WECHAT_APPID', secret: 'PARLEY_WECHAT_SECRET', templateId: 'PARLEY_WECHAT_TEMPLATE_ID' });
  const wechatOa = allOrNone(env, { appId: 'PARLEY_WECHAT_OA_APPID', secret: 'PARLEY_WECHAT_OA_SECRET', templateId: 'PARLEY_WECHAT_OA_TEMPLATE_ID' });
  const vapid = allOrNone(env, { publicKey: 'PARLEY_VAPID_PUBLIC_KEY', privateKey: 'PARLEY_VAPID_PRIVATE_KEY', subject: 'PARLEY_VAPID_SUBJECT' });
  const page = (text(env, 'PARLEY_WECHAT_PAGE') ?? 'pages/chat/index').replace(/^\//, '');
  if (!/^[\w./-]+$/.test(page)) throw new ConfigError('PARLEY_WECHAT_PAGE', `must be a mini-program page path such as pages/chat/index, got "${page}"`);
  const wechatTimeZone = text(env, 'PARLEY_WECHAT_TIME_ZONE') ?? 'Asia/Shanghai';
  try {
    new Intl.DateTimeFormat('en', { timeZone: wechatTimeZone });
  } catch {
    throw new ConfigError('PARLEY_WECHAT_TIME_ZONE', `must be an IANA time zone such as Asia/Shanghai, got "${wechatTimeZone}"`);
  }
  if (vapid && !/^(mailto:\S+@\S+|https:\/\/\S+)$/.test(vapid.subject)) {
    throw new ConfigError('PARLEY_VAPID_SUBJECT', `must be a mailto: address or an https:// URL, got "${vapid.subject}"`);
  }
  return {
    wechat: wechat ? { ...wechat, page } : null,
    wechatOa,
    wechatApiBase: (url(env, 'PARLEY_WECHAT_API_BASE', ['http:', 'https:']) ?? 'https://api.weixin.qq.com').replace(/\/+$/, ''),
    wechatTimeZone,
    webPush: vapid
      ? { publicKey: vapidKey('PARLEY_VAPID_PUBLIC_KEY', vapid.publicKey, 65), privateKey: vapidKey('PARLEY_VAPID_PRIVATE_KEY', vapid.privateKey, 32), subject: vapid.subject }
      : null,
  };
}

function outboxConfig(env: Env): OutboxConfig {
  const webhookUrl = url(env, 'PARLEY_WEBHOOK_URL', ['http:', 'https:']);
  const webhookSecret = text(env, 'PARLEY_WEBHOOK_SECRET') ?? '';
  const eventsUrl = url(env, 'PARLEY_EVENTS_URL', ['http:', 'https:']);
  const names = (text(env, 'PARLEY_EVENTS') ?? OUTBOX_EVENT_NAMES.join(','))
    .split(',')
    .map((name) => name.trim())
    .filter((name) => name !== '');
  const unknown = names.find((name) => !(OUTBOX_EVENT_NAMES as readonly string[]).includes(name));
  if (unknown !== undefined) throw new ConfigError('PARLEY_EVENTS', `must be a comma list of ${OUTBOX_EVENT_NAMES.join(', ')}, got "${unknown}"`);
  return {
    webhook: webhookUrl ? { url: webhookUrl, secret: webhookSecret } : null,
    events: eventsUrl ? { url: eventsUrl, secret: text(env, 'PARLEY_EVENTS_SECRET') ?? webhookSecret, names: [...new Set(names)] as OutboxEventName[] } : null,
    coalesceMs: integer(env, 'PARLEY_PUSH_COALESCE_MS', 2000, 0, 3_600_000),
    preview: oneOf(env, 'PARLEY_PUSH_PREVIEW', PREVIEW_MODES, 'sender'),
    retentionMs: integer(env, 'PARLEY_OUTBOX_RETENTION_MS', 7 * 24 * 3_600_000, 1_000, 366 * 24 * 3_600_000),
    pollMs: integer(env, 'PARLEY_OUTBOX_POLL_MS', 500, 10, 60_000),
    requestTimeoutMs: integer(env, 'PARLEY_OUTBOX_REQUEST_TIMEOUT_MS', 10_000, 100, 120_000),
  };
}

/** Parses and validates the environment; throws ConfigError naming the first bad variable. */
export function loadConfig(env: Env = process.env): Readonly<Config> {
  const jwt: JwtConfig = {
    secret: text(env, 'JWT_SECRET'),
    jwksUrl: url(env, 'JWT_JWKS_URL', ['http:', 'https:']),
    issuer: text(env, 'JWT_ISSUER'),
    audience: text(env, 'JWT_AUDIENCE'),
    userClaim: text(env, 'JWT_USER_CLAIM') ?? 'sub',
    maxAgeSeconds: integer(env, 'JWT_MAX_AGE_S', 86_400, 60, 366 * 86_400),
  };
  if (jwt.secret !== null && jwt.secret.length < 16) throw new ConfigError('JWT_SECRET', 'must be at least 16 characters');
  const anyJwtSetting = jwt.secret !== null || jwt.jwksUrl !== null;
  const sendRatePerSecond = positiveNumber(env, 'PARLEY_SEND_RATE', 10);
  const config: Config = {
    port: integer(env, 'PORT', 8080, 0, 65535),
    host: text(env, 'HOST') ?? '0.0.0.0',
    databaseUrl: url(env, 'DATABASE_URL', ['postgres:', 'postgresql:']),
    dataDir: text(env, 'PARLEY_DATA_DIR') ?? './data',
    redisUrl: url(env, 'REDIS_URL', ['redis:', 'rediss:']),
    redisPrefix: text(env, 'PARLEY_REDIS_PREFIX') ?? 'parley:',
    presenceTtlMs: integer(env, 'PARLEY_PRESENCE_TTL_MS', 30_000, 300, 3_600_000),
    presenceScope: oneOf(env, 'PARLEY_PRESENCE_SCOPE', ['conversation', 'mutual'] as const, 'conversation'),
    jwt,
    devAuth: flag(env, 'PARLEY_DEV_AUTH', !anyJwtSetting),
    adminToken: text(env, 'PARLEY_ADMIN_TOKEN'),
    reportsAutoMute: integer(env, 'PARLEY_REPORTS_AUTO_MUTE', 0, 0, 1_000_000),
    metricsToken: text(env, 'PARLEY_METRICS_TOKEN'),
    processMetrics: flag(env, 'PARLEY_PROCESS_METRICS', true),
    sendRatePerSecond,
    sendBurst: integer(env, 'PARLEY_SEND_BURST', 30, 1, 1_000_000),
    typingRatePerSecond: positiveNumber(env, 'PARLEY_TYPING_RATE', 2),
    editWindowMs: integer(env, 'PARLEY_EDIT_WINDOW_MS', 24 * 3_600_000, 0, 366 * 24 * 3_600_000),
    media: {
      imageMaxBytes: integer(env, 'PARLEY_MAX_IMAGE_BYTES', 10 * 1024 * 1024, 1, 2 ** 31),
      voiceMaxBytes: integer(env, 'PARLEY_MAX_VOICE_BYTES', 5 * 1024 * 1024, 1, 2 ** 31),
      videoMaxBytes: integer(env, 'PARLEY_MAX_VIDEO_BYTES', 50 * 1024 * 1024, 1, 2 ** 31),
      uploadsPerMinute: integer(env, 'PARLEY_UPLOADS_PER_MINUTE', 30, 1, 1_000_000),
      quotaBytes: integer(env, 'PARLEY_MEDIA_QUOTA_BYTES', 1024 ** 3, 1, 2 ** 50),
      unusedGraceMs: integer(env, 'PARLEY_MEDIA_UNUSED_GRACE_MS', 24 * 3_600_000, 1_000, 366 * 24 * 3_600_000),
      sweepIntervalMs: integer(env, 'PARLEY_MEDIA_SWEEP_INTERVAL_MS', 600_000, 1_000, 24 * 3_600_000),
    },
    publicUrl: url(env, 'PARLEY_PUBLIC_URL', ['http:', 'https:']),
    web: { tokenUrl: urlOrPath(env, 'PARLEY_WEB_TOKEN_URL'), frameAncestors: frameAncestors(env, 'PARLEY_WEB_FRAME_ANCESTORS') },
    logLevel: text(env, 'LOG_LEVEL') ?? 'info',
    nodeId: text(env, 'PARLEY_NODE_ID') ?? randomUUID().slice(0, 8),
    // Measured on 2 cores (docs/performance.md): 4 × 512 beat 2 × 256 by ≈ 25%, more in flight lost again.
    writeConcurrency: integer(env, 'PARLEY_WRITE_CONCURRENCY', 4, 1, 64),
    writeBatchMax: integer(env, 'PARLEY_WRITE_BATCH_MAX', 512, 1, 10_000),
    stomp: {
      heartbeatMs: integer(env, 'PARLEY_STOMP_HEARTBEAT_MS', 10_000, 0, 3_600_000),
      connectTimeoutMs: integer(env, 'PARLEY_STOMP_CONNECT_TIMEOUT_MS', 60_000, 10, 3_600_000),
      sendBufferBytes: integer(env, 'PARLEY_STOMP_SEND_BUFFER_BYTES', 512 * 1024, 1024, 2 ** 31),
      sockjsHeartbeatMs: integer(env, 'PARLEY_SOCKJS_HEARTBEAT_MS', 25_000, 10, 3_600_000),
      sockjsDisconnectMs: integer(env, 'PARLEY_SOCKJS_DISCONNECT_MS', 5_000, 10, 3_600_000),
    },
    // Kestrel's defaults for the body rate (what SignalR users expect); the cap is per address
    // and generous because carrier NAT puts many phones behind one address.
    httpClients: {
      minBodyRateBps: integer(env, 'PARLEY_HTTP_MIN_BODY_RATE_BPS', 240, 0, 1_000_000_000),
      bodyGraceMs: integer(env, 'PARLEY_HTTP_BODY_GRACE_MS', 5_000, 100, 3_600_000),
      headersTimeoutMs: integer(env, 'PARLEY_HTTP_HEADERS_TIMEOUT_MS', 10_000, 100, 3_600_000),
      maxConnectionsPerAddress: integer(env, 'PARLEY_MAX_CONNECTIONS_PER_ADDRESS', 1024, 0, 10_000_000),
    },
    signalrSecret: text(env, 'PARLEY_SIGNALR_SECRET'),
    signalr: signalrConfig(env),
    outbox: outboxConfig(env),
    push: pushChannelsConfig(env),
    safety: sendSafetyConfig(env),
  };
  if (config.signalr.maxMessageBytes > config.signalr.maxTransportMessageBytes) {
    throw new ConfigError('PARLEY_SIGNALR_MAX_MESSAGE_BYTES', `must not exceed PARLEY_SIGNALR_MAX_TRANSPORT_MESSAGE_BYTES (${config.signalr.maxTransportMessageBytes})`);
  }
  if (!['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'].includes(config.logLevel)) {
    throw new ConfigError('LOG_LEVEL', `must be one of fatal, error, warn, info, debug, trace, silent`);
  }
  return Object.freeze(config);
}
