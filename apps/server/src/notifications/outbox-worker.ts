import { decideNotification, MAX_DELIVERY_ATTEMPTS, retryDelayMs, type PreviewMode } from '../domain/notification-rules.js';
import { eventIdText, notificationIdText } from '../domain/outbox-events.js';
import type { AttemptResult, ClaimedDelivery, ClaimedEvent, ClosingNotification, NotificationClosure, OutboxStore } from '../ports/outbox-store.js';
import type { DeliveryOutcome, NotificationChannel, NotificationPayload } from './channel.js';
import type { EventWebhook } from './event-webhook.js';

/** What the worker reports, for metrics and the log. */
export interface OutboxObserver {
  /** One attempt's outcome on a channel (`events` for event webhooks), or a notification dropped before sending. */
  outcome(channel: string, outcome: 'sent' | 'retry' | 'failed' | 'skipped' | 'dropped'): void;
  /** From the commit of the change to its delivery. */
  delivered(channel: string, seconds: number): void;
  /** A delivery given up for good: the structured log line operators alert on. */
  finalFailure(record: { kind: 'notification' | 'event'; id: string; channel: string; attempts: number; error: string }): void;
  /** The worker's own step failed (database down); it tries again on its next turn. */
  stepFailed(error: unknown): void;
}

export interface OutboxWorkerOptions {
  store: OutboxStore;
  channels: readonly NotificationChannel[];
  events: EventWebhook | null;
  preview: PreviewMode;
  pollMs: number;
  retentionMs: number;
  /** How long a taken row stays this worker's before another may take it (longer than one delivery can last). */
  leaseMs: number;
  /** Rows taken per step. */
  batch?: number;
  observer: OutboxObserver;
  random?: () => number;
  now?: () => number;
}

const PURGE_EVERY_MS = 60_000;

/**
 * The delivery worker every node runs: closes notifications whose coalescing window has passed,
 * delivers due notifications on every enabled channel and due events, records each outcome,
 * and deletes finished rows after the retention period. All coordination is in the database
 * (leases taken with `FOR UPDATE SKIP LOCKED`), so any number of nodes can run it at once.
 */
export class OutboxWorker {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private stopped = true;
  private wakeRequested = false;
  private lastPurge = 0;
  private readonly channelsByName: Map<string, NotificationChannel>;
  private readonly batch: number;
  private readonly random: () => number;
  private readonly now: () => number;

  constructor(private readonly options: OutboxWorkerOptions) {
    this.channelsByName = new Map(options.channels.map((c) => [c.name, c]));
    this.batch = options.batch ?? 100;
    this.random = options.random ?? Math.random;
    this.now = options.now ?? Date.now;
  }

  /** Whether there is anything for this worker to do at all. */
  get enabled(): boolean {
    return this.options.channels.length > 0 || this.options.events !== null;
  }

  start(): void {
    if (!this.enabled || !this.stopped) return;
    this.stopped = false;
    this.lastPurge = this.now();
    this.schedule(0);
  }

  /** Runs a step soon instead of at the next poll (something was just written). */
  wake(): void {
    if (this.stopped) return;
    if (this.running) this.wakeRequested = true;
    else this.schedule(0);
  }

  /** Stops polling and waits for the step in progress (its deliveries finish and are recorded). */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.running;
  }

  private schedule(delayMs: number): void {
    if (this.stopped) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = null;
      this.running = this.loop().finally(() => {
        this.running = null;
      });
    }, delayMs);
    this.timer.unref();
  }

  private async loop(): Promise<void> {
    let busy = false;
    try {
      busy = await this.step();
    } catch (error) {
      this.options.observer.stepFailed(error);
    }
    const again = busy || this.wakeRequested;
    this.wakeRequested = false;
    this.schedule(again ? 0 : this.options.pollMs);
  }

  /** One pass over everything due; true when a full batch was found (there may be more). */
  async step(): Promise<boolean> {
    const names = [...this.channelsByName.keys()];
    let full = false;
    if (names.length > 0) {
      const closed = await this.options.store.closeDueNotifications(this.batch, names, (n) => this.settle(n));
      const claimed = await this.options.store.claimDeliveries(this.batch, names, this.options.leaseMs);
      await this.deliverNotifications(claimed);
      full ||= closed === this.batch || claimed.length === this.batch;
    }
    if (this.options.events) {
      const events = await this.options.store.claimEvents(this.batch, this.options.leaseMs);
      await this.deliverEvents(this.options.events, events);
      full ||= events.length === this.batch;
    }
    if (this.now() - this.lastPurge >= PURGE_EVERY_MS) {
      this.lastPurge = this.now();
      await this.options.store.purgeFinished(this.options.retentionMs);
    }
    return full;
  }

  private settle(n: ClosingNotification): NotificationClosure {
    const decision = decideNotification(n, this.options.preview);
    if (decision.kind === 'drop') {
      this.options.observer.outcome('all', 'dropped');
      return { drop: decision.reason };
    }
    const payload: NotificationPayload = {
      id: notificationIdText(n.id),
      userId: n.receiverId,
      conversationId: n.conversationId,
      senderId: n.senderId,
      senderName: decision.senderName,
      count: decision.count,
      preview: decision.preview,
      unreadTotal: n.unreadTotal,
      createdAt: n.createdAt.toISOString(),
    };
    return { payload: { ...payload } };
  }

  private async deliverNotifications(claimed: readonly ClaimedDelivery[]): Promise<void> {
    if (claimed.length === 0) return;
    const results = await Promise.all(
      claimed.map(async (delivery) => {
        const channel = this.channelsByName.get(delivery.channel)!;
        const outcome = await safely(() => channel.deliver(delivery.payload as unknown as NotificationPayload));
        const result = this.resultOf(outcome, delivery.attempts);
        this.observe(delivery.channel, result, delivery.createdAt);
        if (result.status === 'FAILED') {
          this.options.observer.finalFailure({ kind: 'notification', id: notificationIdText(delivery.notificationId), channel: delivery.channel, attempts: delivery.attempts, error: result.error ?? '' });
        }
        return { notificationId: delivery.notificationId, channel: delivery.channel, result };
      }),
    );
    await this.options.store.finishDeliveries(results);
  }

  /** Events of different conversations go out together; the store hands out one per conversation at a time. */
  private async deliverEvents(sender: EventWebhook, events: readonly ClaimedEvent[]): Promise<void> {
    if (events.length === 0) return;
    const results = await Promise.all(
      events.map(async (event) => {
        const result = this.resultOf(await safely(() => sender.deliver(event)), event.attempts);
        this.observe('events', result, event.createdAt);
        if (result.status === 'FAILED') {
          this.options.observer.finalFailure({ kind: 'event', id: eventIdText(event.id), channel: 'events', attempts: event.attempts, error: result.error ?? '' });
        }
        return { id: event.id, result };
      }),
    );
    await this.options.store.finishEvents(results);
  }

  /** A retry past the last attempt is a final failure. */
  private resultOf(outcome: DeliveryOutcome, attempts: number): AttemptResult {
    switch (outcome.kind) {
      case 'sent':
        return { status: 'SENT' };
      case 'skipped':
        return { status: 'SKIPPED', error: outcome.reason };
      case 'failed':
        return { status: 'FAILED', error: outcome.error };
      case 'retry':
        if (attempts >= MAX_DELIVERY_ATTEMPTS) return { status: 'FAILED', error: `${outcome.error} (gave up after ${attempts} attempts)` };
        return { status: 'RETRY', error: outcome.error, inMs: retryDelayMs(attempts, this.random(), outcome.retryAfterMs) };
    }
  }

  private observe(channel: string, result: AttemptResult, createdAt: Date): void {
    const outcome = ({ SENT: 'sent', SKIPPED: 'skipped', FAILED: 'failed', RETRY: 'retry' } as const)[result.status];
    this.options.observer.outcome(channel, outcome);
    if (result.status === 'SENT') this.options.observer.delivered(channel, Math.max(0, (this.now() - createdAt.getTime()) / 1000));
  }
}

/** A channel that throws (a bug, or a library's surprise) counts as a retryable failure, never as a lost row. */
async function safely(deliver: () => Promise<DeliveryOutcome>): Promise<DeliveryOutcome> {
  try {
    return await deliver();
  } catch (error) {
    return { kind: 'retry', error: `channel threw: ${error instanceof Error ? error.message : String(error)}` };
  }
}
