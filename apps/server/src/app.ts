import { join } from 'node:path';
import type { Server } from 'node:http';
import type { FastifyInstance } from 'fastify';
import { Authenticator } from './auth/authenticator.js';
import { loadDevSecret } from './auth/dev-secret.js';
import { TokenVerifier } from './auth/token-verifier.js';
import type { Config } from './config.js';
import type { Door } from './gateways/door.js';
import { DOORS } from './gateways/doors.js';
import { UpgradeRouter } from './gateways/upgrade-router.js';
import { buildHttp } from './http/build-http.js';
import { FileTypeMediaInspector } from './media/file-type-inspector.js';
import { createLogger, type LoggerSetting } from './logger.js';
import { Metrics, type BackendCheck } from './metrics.js';
import { pushChannels } from './notifications/push-channels.js';
import { buildOutbox } from './outbox-composition.js';
import { systemClock, type Clock } from './ports/clock.js';
import { createRealtimeBackends, type RealtimeBackends } from './realtime/realtime-backends.js';
import { buildSendSafety } from './send-safety-composition.js';
import { buildSafetyServices } from './safety-composition.js';
import { AdminService } from './services/admin-service.js';
import { ConversationStateService } from './services/conversation-state-service.js';
import { DeliveryService } from './services/delivery-service.js';
import { ExchangeService } from './services/exchange-service.js';
import { MediaService } from './services/media-service.js';
import { MessagePublisher } from './services/message-publisher.js';
import { MessageQueries } from './services/message-queries.js';
import { MessageEditService } from './services/message-edits.js';
import { MessageSearchService } from './services/message-search-service.js';
import { MessagingService } from './services/messaging-service.js';
import { SendBudget } from './services/send-budget.js';
import { PresenceService } from './services/presence-service.js';
import { PushRegistrationService } from './services/push-registration-service.js';
import type { Services } from './services/services.js';
import { SessionRegistry } from './services/session-registry.js';
import { TypingService } from './services/typing-service.js';
import { UserDirectory } from './services/user-directory.js';
import { UserService } from './services/user-service.js';
import { UserSettingsService } from './services/user-settings-service.js';
import { DirectoryBlobStore, MemoryBlobStore } from './storage/blob-store.js';
import { openDatabase } from './storage/open-database.js';
import { PostgresBlockStore } from './storage/postgres-block-store.js';
import { PostgresConversationStateStore } from './storage/postgres-conversation-state-store.js';
import { PostgresConversationAudit } from './storage/postgres-conversation-audit.js';
import { PostgresConversationStore } from './storage/postgres-conversation-store.js';
import { PostgresMediaStore } from './storage/postgres-media-store.js';
import { PostgresMessageEditStore } from './storage/postgres-message-edit-store.js';
import { PostgresMessageSearch } from './storage/postgres-message-search.js';
import { PostgresMessageStore } from './storage/postgres-message-store.js';
import { PostgresUpdateLog } from './storage/postgres-update-log.js';
import { PostgresUserSettingsStore } from './storage/postgres-user-settings-store.js';
import { PostgresUserStore } from './storage/postgres-user-store.js';
import { PostgresWebPushStore } from './storage/postgres-web-push-store.js';
import { PostgresWeChatPushStore } from './storage/postgres-wechat-push-store.js';
import type { SqlClient } from './storage/sql-client.js';

/** Replaceable parts, for tests and for embedding. */
export interface AppOverrides {
  db?: SqlClient;
  realtime?: RealtimeBackends;
  clock?: Clock;
  /** The log's level and destination, or false for silence; by default `config.logLevel` to stdout. */
  logger?: LoggerSetting;
  /** Per-door tuning keyed by door name, handed to each door as `DoorContext.options`. */
  doorOptions?: Readonly<Record<string, unknown>>;
}

export interface ParleyApp extends AsyncDisposable {
  readonly config: Readonly<Config>;
  readonly http: FastifyInstance;
  readonly server: Server;
  readonly services: Services;
  readonly registry: SessionRegistry;
  readonly auth: Authenticator;
  readonly metrics: Metrics;
  readonly db: SqlClient;
  /** Starts listening; resolves to the base URL (`http://host:port`). */
  listen(): Promise<string>;
  /** SIGTERM path: stop accepting, tell clients to reconnect elsewhere, finish writes, release everything. */
  shutdown(): Promise<void>;
}

/** The composition root: wires ports to implementations and doors to services. Never listens by itself. */
export async function buildApp(config: Readonly<Config>, overrides: AppOverrides = {}): Promise<ParleyApp> {
  const clock = overrides.clock ?? systemClock;
  const db = overrides.db ?? (await openDatabase(config));
  const logger = createLogger(config.logLevel, overrides.logger);
  const realtime = overrides.realtime ?? (await createRealtimeBackends(config, logger.child({ name: 'redis' })));
  const registry = new SessionRegistry();
  const backendChecks: BackendCheck[] = [{ name: 'database', check: async () => void (await db.query('SELECT 1')) }];
  if (realtime.check) backendChecks.push({ name: 'redis', check: realtime.check });
  const metrics = new Metrics({ connections: () => registry.all(), backends: backendChecks, pool: () => db.poolStats?.() ?? null, defaults: config.processMetrics });

  const users = new PostgresUserStore(db);
  const conversations = new PostgresConversationStore(db);
  const conversationState = new PostgresConversationStateStore(db);
  const sendSafety = await buildSendSafety({ config, db, clock, logger });
  const wechatPush = new PostgresWeChatPushStore(db);
  const webPush = new PostgresWebPushStore(db);
  const outbox = buildOutbox({ config, db, metrics, logger, pushChannels: pushChannels(config.push, { wechat: wechatPush, webPush, clock, requestTimeoutMs: config.outbox.requestTimeoutMs }) });
  const messages = new PostgresMessageStore(db, sendSafety.strangerLimits, outbox.send);
  const blocks = new PostgresBlockStore(db);
  const blobs = config.dataDir === 'memory://' ? new MemoryBlobStore() : new DirectoryBlobStore(join(config.dataDir, 'media'));
  const mediaStore = new PostgresMediaStore(db, blobs);
  const mediaUrl = (key: string) => `${config.publicUrl ? config.publicUrl.replace(/\/$/, '') : ''}/media/${key}`;

  const delivery = new DeliveryService(realtime.bus, registry, (error, sessionId) => logger.error({ err: error, sessionId }, 'push to a connection failed'));
  const budget = new SendBudget(realtime.sendLimiter);
  const publisher = new MessagePublisher(delivery);
  const settings = new PostgresUserSettingsStore(db);
  const messaging = new MessagingService({
    messages,
    settings,
    conversations,
    media: mediaStore,
    budget,
    publisher,
    delivery,
    clock,
    mediaUrl,
    batch: { maxBatch: config.writeBatchMax, concurrency: config.writeConcurrency },
    onBatchCommitted: (size) => metrics.sendBatchSize.observe(size),
    offlineReach: outbox.offlineReach(realtime.presence),
    screening: sendSafety.screening,
    hook: sendSafety.hook,
    onHookUnanswered: sendSafety.onHookUnanswered,
    visibility: conversationState,
  });
  const presence = new PresenceService({ presence: realtime.presence, conversations, users, delivery, clock, scope: config.presenceScope });
  const safety = buildSafetyServices({ config, db, bus: realtime.bus, registry, clock, delivery, conversations, metrics, logger, events: outbox.events });
  registry.onLifecycle({
    firstSessionOpened: async (userId) => {
      await realtime.bus.watchUser(userId);
      await presence.firstSessionOpened(userId);
    },
    lastSessionClosed: async (userId) => {
      await realtime.bus.unwatchUser(userId);
      await presence.lastSessionClosed(userId);
    },
  });
  const directory = new UserDirectory(users);
  const media = new MediaService({
    store: mediaStore,
    inspector: new FileTypeMediaInspector(),
    limits: { image: config.media.imageMaxBytes, voice: config.media.voiceMaxBytes, video: config.media.videoMaxBytes },
    url: mediaUrl,
    uploadLimiter: realtime.uploadLimiter,
    quotaBytes: config.media.quotaBytes,
    unusedGraceMs: config.media.unusedGraceMs,
    clock,
  });
  const services: Services = {
    messaging,
    queries: new MessageQueries({ messages, conversations, users, presence: realtime.presence, updates: new PostgresUpdateLog(db), state: conversationState, settings }),
    conversationState: new ConversationStateService({ state: conversationState, conversations, delivery }),
    edits: new MessageEditService({
      messages,
      edits: new PostgresMessageEditStore(db, outbox.events),
      blocks,
      budget,
      delivery,
      clock,
      editWindowMs: config.editWindowMs,
      screening: sendSafety.screening,
      visibility: conversationState,
      restrictions: safety.restrictions,
      settings,
    }),
    search: new MessageSearchService({ search: new PostgresMessageSearch(db), users, settings }),
    exchange: new ExchangeService({ messages, users, blocks, delivery, budget, publisher, restrictions: safety.restrictions, unmatches: safety.unmatches }),
    typing: new TypingService({ conversations, blocks, limiter: realtime.typingLimiter, delivery }),
    presence,
    users: new UserService({ users, blocks, directory, media }),
    settings: new UserSettingsService({ settings }),
    media,
    admin: new AdminService({ conversations, users, audit: new PostgresConversationAudit(db) }),
    notifications: outbox.queries,
    moderationWords: sendSafety.words,
    ...safety,
    push: new PushRegistrationService({
      wechat: wechatPush,
      webPush,
      settings: { wechatTemplateId: config.push.wechat?.templateId ?? null, wechatOfficialAccount: config.push.wechatOa !== null, webPushPublicKey: config.push.webPush?.publicKey ?? null },
    }),
  };

  const hs256Secret = config.jwt.secret ? new TextEncoder().encode(config.jwt.secret) : null;
  const devSecret = config.devAuth ? (hs256Secret ?? (await loadDevSecret(config.dataDir))) : null;
  const verifier = new TokenVerifier({
    secret: hs256Secret ?? devSecret,
    jwksUrl: config.jwt.jwksUrl,
    issuer: config.jwt.issuer,
    audience: config.jwt.audience,
    userClaim: config.jwt.userClaim,
    maxAgeSeconds: config.jwt.maxAgeSeconds,
  });
  const auth = new Authenticator(verifier, directory, devSecret, safety.restrictions);

  let draining = false;
  const readiness = backendChecks;
  const http = await buildHttp({
    config,
    services,
    auth,
    directory,
    metrics,
    readiness,
    isDraining: () => draining,
    logger,
  });
  outbox.worker.start();
  media.startSweeping(config.media.sweepIntervalMs, (error) => http.log.error({ err: error }, 'deleting unused media failed'));
  if (config.devAuth) http.log.warn('development sign-in is ON (POST /auth/dev-token): anyone can act as any user. Set JWT_SECRET or JWT_JWKS_URL for production.');

  const upgrades = new UpgradeRouter();
  http.server.on('upgrade', upgrades.handle);
  const doors: Door[] = DOORS.map((open) => open({ config, http, upgrades, registry, services, auth, logger: http.log, metrics, options: overrides.doorOptions ?? {} }));
  await http.ready();

  let closed: Promise<void> | null = null;
  const shutdown = () =>
    (closed ??= (async () => {
      draining = true;
      // Stop taking new connections first; live ones are told to reconnect elsewhere.
      http.server.close();
      await Promise.allSettled(doors.map((d) => d.close()));
      for (const session of registry.all()) session.close('shutdown');
      // Each user's last session closing writes last-seen and announces offline: that needs the
      // database and the bus, so it must finish now, not race the pool's end below.
      await registry.removeAll();
      await messaging.drain();
      await outbox.worker.stop();
      sendSafety.words.stop();
      services.typing.close();
      await media.stopSweeping();
      // Every door has said goodbye and every write is answered: a connection still open now is
      // a client's idle spare (fetch opens them) and would keep server.close() waiting for ever.
      const lingering = setTimeout(() => http.server.closeAllConnections(), 2000);
      lingering.unref();
      await http.close();
      clearTimeout(lingering);
      // A connection that registered while we were closing was removed by its door meanwhile.
      await registry.removeAll();
      await realtime.close();
      await db.close();
    })());

  return {
    config,
    http,
    server: http.server,
    services,
    registry,
    auth,
    metrics,
    db,
    async listen() {
      await http.listen({ port: config.port, host: config.host });
      const address = http.server.address();
      if (!address || typeof address === 'string') throw new Error('server has no TCP address');
      const host = address.family === 'IPv6' ? `[${address.address}]` : address.address === '0.0.0.0' ? '127.0.0.1' : address.address;
      return `http://${host}:${address.port}`;
    },
    shutdown,
    [Symbol.asyncDispose]: shutdown,
  };
}
