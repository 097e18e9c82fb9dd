import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** The doors a request can come in by; every per-door series uses these label values. */
export type DoorLabel = 'rest' | 'stomp' | 'signalr';

/** What the connection gauge needs to know about one live connection. */
export interface ConnectionSample {
  readonly door: DoorLabel;
  /** `websocket`, `sockjs-xhr-streaming`, `WebSockets`, `LongPolling`, … (null between a SignalR connection's transports). */
  readonly transportName: string | null;
}

/** A health check of a backend the node depends on (database, Redis); rejects when it is down. */
export interface BackendCheck {
  name: string;
  check: () => Promise<void>;
}

/** Connection counts of the database pool, where the database has one (PGlite does not). */
export interface PoolSample {
  total: number;
  idle: number;
  waiting: number;
}

/** Seconds: sends commit in milliseconds, a slow database or a long batch takes seconds. */
const LATENCY_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

export interface MetricsSources {
  connections: () => Iterable<ConnectionSample>;
  backends?: readonly BackendCheck[];
  pool?: () => PoolSample | null;
  /** Node's process metrics (CPU, memory, event loop). */
  defaults?: boolean;
}

/** Prometheus metrics of one app instance (its own registry, so tests can run several apps). docs/deployment.md lists them. */
export class Metrics {
  readonly registry = new Registry();
  readonly messagesSent = new Counter({ name: 'parley_messages_sent_total', help: 'Messages stored, by the door the send came in by', labelNames: ['door'], registers: [this.registry] });
  readonly sendBatchSize = new Histogram({
    name: 'parley_send_batch_size',
    help: 'Messages per committed send batch',
    buckets: [1, 2, 4, 8, 16, 32, 64, 128, 256],
    registers: [this.registry],
  });
  readonly sendCommitSeconds = new Histogram({
    name: 'parley_send_commit_seconds',
    help: 'Send latency from receipt by the door to the commit of the message',
    labelNames: ['door'],
    buckets: LATENCY_BUCKETS,
    registers: [this.registry],
  });
  readonly sendLatencySeconds = new Histogram({
    name: 'parley_send_latency_seconds',
    help: 'Send latency from receipt by the door to the message published to both users (commit included)',
    labelNames: ['door'],
    buckets: LATENCY_BUCKETS,
    registers: [this.registry],
  });
  readonly pushes = new Counter({ name: 'parley_pushes_total', help: 'Events pushed to connections, by door', labelNames: ['door'], registers: [this.registry] });
  readonly errors = new Counter({ name: 'parley_client_errors_total', help: 'Errors answered to clients, by code and door', labelNames: ['code', 'door'], registers: [this.registry] });
  readonly notifications = new Counter({
    name: 'parley_notifications_total',
    help: 'Outbox delivery attempts by channel (webhook, wechat, wechat_oa, webpush; events for event webhooks) and outcome (sent, retry, failed, skipped; dropped before sending, channel all)',
    labelNames: ['channel', 'outcome'],
    registers: [this.registry],
  });
  readonly notificationDeliverySeconds = new Histogram({
    name: 'parley_notification_delivery_seconds',
    help: 'From the commit of a notification or event to its delivery, by channel (coalescing wait and retries included)',
    labelNames: ['channel'],
    buckets: [0.1, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900, 3600],
    registers: [this.registry],
  });
  /** Where the outbox backlog gauge reads from; set once the outbox is built. */
  private outboxBacklog: (() => Promise<{ notifications: number; events: number }>) | null = null;

  /** The outbox backlog gauge reads its rows through this (a query per scrape). */
  watchOutboxBacklog(read: () => Promise<{ notifications: number; events: number }>): void {
    this.outboxBacklog = read;
  }
  readonly reports = new Counter({ name: 'parley_reports_total', help: 'Reports filed by users, by reason', labelNames: ['reason'], registers: [this.registry] });
  readonly reportsResolved = new Counter({ name: 'parley_reports_resolved_total', help: 'Reports resolved by an operator, by action', labelNames: ['action'], registers: [this.registry] });
  readonly restrictions = new Counter({ name: 'parley_restrictions_total', help: 'Restrictions set (kind MUTE or BAN; source ADMIN or AUTO) and lifted (kind LIFT)', labelNames: ['kind', 'source'], registers: [this.registry] });

  constructor(sources: MetricsSources) {
    new Gauge({
      name: 'parley_connections',
      help: 'Live STOMP and SignalR connections on this node, by door and transport',
      labelNames: ['door', 'transport'],
      registers: [this.registry],
      collect() {
        this.reset();
        for (const { door, transportName } of sources.connections()) this.inc({ door, transport: transportName ?? 'none' });
      },
    });
    const backends = sources.backends ?? [];
    new Gauge({
      name: 'parley_backend_up',
      help: 'Whether a backend answers its health check (1) or not (0): database, redis',
      labelNames: ['backend'],
      registers: [this.registry],
      async collect() {
        const results = await Promise.allSettled(backends.map((b) => withinHealthTimeout(b.check())));
        backends.forEach((backend, i) => this.set({ backend: backend.name }, results[i]!.status === 'fulfilled' ? 1 : 0));
      },
    });
    const pool = sources.pool;
    new Gauge({
      name: 'parley_database_pool_connections',
      help: 'Database pool connections by state: total, idle, waiting (clients queued for one); absent on PGlite',
      labelNames: ['state'],
      registers: [this.registry],
      collect() {
        const sample = pool?.();
        if (!sample) return;
        this.set({ state: 'total' }, sample.total);
        this.set({ state: 'idle' }, sample.idle);
        this.set({ state: 'waiting' }, sample.waiting);
      },
    });
    const backlogOf = () => this.outboxBacklog?.() ?? null;
    new Gauge({
      name: 'parley_outbox_backlog',
      help: 'Outbox rows not yet delivered or given up, by kind: notifications, events',
      labelNames: ['kind'],
      registers: [this.registry],
      async collect() {
        const reading = backlogOf();
        if (!reading) return;
        const backlog = await withinHealthTimeout(reading).catch(() => null);
        if (!backlog) return;
        this.set({ kind: 'notifications' }, backlog.notifications);
        this.set({ kind: 'events' }, backlog.events);
      },
    });
    if (sources.defaults) collectDefaultMetrics({ register: this.registry });
  }
}

/** A scrape must not hang on a backend that does not answer: past this, it counts as down. */
const HEALTH_TIMEOUT_MS = 2000;

function withinHealthTimeout<T>(check: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error('health check timed out')), HEALTH_TIMEOUT_MS);
    timer.unref();
  });
  return Promise.race([check, timeout]).finally(() => clearTimeout(timer));
}
