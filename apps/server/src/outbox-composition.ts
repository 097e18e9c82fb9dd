import type { Logger } from 'pino';
import type { Config } from './config.js';
import type { Metrics } from './metrics.js';
import type { NotificationChannel } from './notifications/channel.js';
import { EventWebhook } from './notifications/event-webhook.js';
import { OutboxWorker } from './notifications/outbox-worker.js';
import { WebhookChannel } from './notifications/webhook-channel.js';
import type { PresenceStore } from './ports/presence-store.js';
import type { MessagingDeps } from './services/messaging-service.js';
import { NotificationQueries } from './services/notification-queries.js';
import { OutboxEventWriter } from './storage/outbox-events.js';
import { PostgresOutboxStore } from './storage/postgres-outbox-store.js';
import type { SendOutboxSettings } from './storage/send-outbox.js';
import type { SqlClient } from './storage/sql-client.js';

/** Past the longest a delivery can take (a channel may make two calls, e.g. a token and the send). */
const leaseFor = (requestTimeoutMs: number) => 30_000 + 3 * requestTimeoutMs;

export interface Outbox {
  /** What the send path writes with each batch. */
  send: SendOutboxSettings;
  /** The event webhooks' filter, for every store that records events in its transactions. */
  events: OutboxEventWriter;
  /** For the messaging service: presence, when a notification channel is enabled. */
  offlineReach(presence: PresenceStore): MessagingDeps['offlineReach'];
  queries: NotificationQueries;
  worker: OutboxWorker;
}

/**
 * The durable outbox wired from the settings: the webhook channel and the push channels given,
 * event webhooks, the worker with its metrics and log lines. With no channel and no events URL
 * nothing is written and the worker does not run.
 */
export function buildOutbox(deps: { config: Readonly<Config>; db: SqlClient; metrics: Metrics; logger: Logger; pushChannels: readonly NotificationChannel[] }): Outbox {
  const { config, metrics } = deps;
  const settings = config.outbox;
  const logger = deps.logger.child({ name: 'outbox' });
  const store = new PostgresOutboxStore(deps.db);
  const channels: NotificationChannel[] = [...deps.pushChannels];
  if (settings.webhook) channels.unshift(new WebhookChannel(settings.webhook, settings.requestTimeoutMs));
  const events = settings.events ? new OutboxEventWriter(new Set(settings.events.names)) : OutboxEventWriter.NONE;
  const worker = new OutboxWorker({
    store,
    channels,
    events: settings.events ? new EventWebhook(settings.events, settings.requestTimeoutMs) : null,
    preview: settings.preview,
    pollMs: settings.pollMs,
    retentionMs: settings.retentionMs,
    leaseMs: leaseFor(settings.requestTimeoutMs),
    observer: {
      outcome: (channel, outcome) => metrics.notifications.inc({ channel, outcome }),
      delivered: (channel, seconds) => metrics.notificationDeliverySeconds.observe({ channel }, seconds),
      finalFailure: (record) => logger.warn({ delivery: record }, `${record.kind} ${record.id} failed for good on ${record.channel}: ${record.error}`),
      stepFailed: (error) => logger.error({ err: error }, 'outbox worker step failed; trying again at the next poll'),
    },
  });
  metrics.watchOutboxBacklog(() => store.backlog());
  return {
    send: { notifications: channels.length > 0, coalesceMs: settings.coalesceMs, events },
    events,
    offlineReach: (presence) =>
      channels.length > 0 ? { presence, onLookupFailed: (error) => logger.warn({ err: error }, 'presence lookup failed: this batch writes no notifications') } : undefined,
    queries: new NotificationQueries(store),
    worker,
  };
}
