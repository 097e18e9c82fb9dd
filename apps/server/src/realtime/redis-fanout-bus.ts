import type { Redis } from 'ioredis';
import type { DeliveryEvent } from '../domain/delivery-event.js';
import type { NodeNotice } from '../domain/node-notice.js';
import type { FanoutBus } from '../ports/fanout-bus.js';

/** What travels over Redis: the event and the node that published it. */
interface Envelope {
  /** Origin node id: a node ignores its own events, which it delivered locally already. */
  o: string;
  e: DeliveryEvent;
}

/** A notice for every node, on the one channel every node subscribes to. */
interface NoticeEnvelope {
  o: string;
  n: NodeNotice;
}

export interface RedisFanoutBusOptions {
  /** Connection for PUBLISH (shared with other command users). */
  publisher: Redis;
  /** Connection in subscriber mode, owned by this bus. */
  subscriber: Redis;
  /** Key prefix of the deployment; channels are `<prefix>u:<userId>`. */
  prefix: string;
  nodeId: string;
}

/**
 * Fan-out across nodes with one Redis channel per user (`<prefix>u:<userId>`): a node
 * subscribes to the channels of the users it holds connections of, so Redis routes a user's
 * events exactly to the nodes holding that user — no registry to keep fresh, nothing to expire
 * when a node dies (its subscriptions die with its connection). The same layout maps one-to-one
 * onto Redis Cluster's sharded pub/sub (SSUBSCRIBE/SPUBLISH), see docs/scaling.md.
 *
 * - `publish` delivers to this node's own connections at once (no round trip), then publishes
 *   the event — serialized once — to each recipient's channel. Publishes of one tick go out as
 *   one pipeline. A node ignores events it published itself.
 * - A node receiving a user's channel delivers the event to that recipient only.
 * - Notices for every node (a restriction set or lifted) go over one more channel,
 *   `<prefix>nodes`, which every node subscribes to for its whole life.
 * - Redis down: publishing fails fast and is counted, never thrown (the change is committed;
 *   remote clients repair through /sync). On every `ready` the bus subscribes again to all
 *   channels it holds, so a Redis restart needs no node restart.
 */
export class RedisFanoutBus implements FanoutBus {
  private handler: ((event: DeliveryEvent) => void) | null = null;
  private noticeHandler: ((notice: NodeNotice) => void) | null = null;
  private readonly watched = new Set<number>();
  private readonly channelPrefix: string;
  private readonly noticeChannel: string;
  private pending: [channel: string, payload: string][] = [];
  private flushing: Promise<void> | null = null;
  private closed = false;

  /** Events published to Redis / received from Redis and delivered / publishes lost to a Redis failure. */
  readonly stats = { published: 0, received: 0, dropped: 0, resubscribed: 0 };

  constructor(private readonly options: RedisFanoutBusOptions) {
    this.channelPrefix = `${options.prefix}u:`;
    this.noticeChannel = `${options.prefix}nodes`;
    options.subscriber.on('message', (channel: string, payload: string) => (channel === this.noticeChannel ? this.receiveNotice(payload) : this.receive(channel, payload)));
    // Not connected yet: the first `ready` subscribes to it with the rest.
    options.subscriber.subscribe(this.noticeChannel).catch(() => {});
    options.subscriber.on('ready', () => void this.resubscribeAll());
  }

  async publish(event: DeliveryEvent): Promise<void> {
    this.handler?.(event);
    const payload = JSON.stringify({ o: this.options.nodeId, e: event } satisfies Envelope);
    for (const userId of new Set(event.recipients.map((r) => r.userId))) this.pending.push([this.channelPrefix + userId, payload]);
    return this.scheduleFlush();
  }

  subscribe(handler: (event: DeliveryEvent) => void): void {
    this.handler = handler;
  }

  async broadcast(notice: NodeNotice): Promise<void> {
    this.noticeHandler?.(notice);
    this.pending.push([this.noticeChannel, JSON.stringify({ o: this.options.nodeId, n: notice } satisfies NoticeEnvelope)]);
    return this.scheduleFlush();
  }

  onNotice(handler: (notice: NodeNotice) => void): void {
    this.noticeHandler = handler;
  }

  async watchUser(userId: number): Promise<void> {
    if (this.watched.has(userId)) return;
    this.watched.add(userId);
    try {
      await this.options.subscriber.subscribe(this.channelPrefix + userId);
    } catch {
      // Not connected: the next `ready` subscribes to every watched channel.
    }
  }

  async unwatchUser(userId: number): Promise<void> {
    if (!this.watched.delete(userId)) return;
    try {
      await this.options.subscriber.unsubscribe(this.channelPrefix + userId);
    } catch {
      // Not connected: a fresh connection never subscribes to it again.
    }
  }

  async close(): Promise<void> {
    await this.flushing;
    this.closed = true;
    this.handler = null;
    this.noticeHandler = null;
    this.watched.clear();
  }

  /** Gathers the publishes of this tick into one pipeline; the promise settles once it has been sent. */
  private scheduleFlush(): Promise<void> {
    this.flushing ??= new Promise<void>((resolve) => setImmediate(resolve)).then(() => this.flush());
    return this.flushing;
  }

  private async flush(): Promise<void> {
    const batch = this.pending;
    this.pending = [];
    this.flushing = null;
    if (batch.length === 0 || this.closed) return;
    const pipeline = this.options.publisher.pipeline();
    for (const [channel, payload] of batch) pipeline.publish(channel, payload);
    try {
      const results = await pipeline.exec();
      const failed = results?.filter(([error]) => error).length ?? batch.length;
      this.stats.published += batch.length - failed;
      this.stats.dropped += failed;
    } catch {
      this.stats.dropped += batch.length;
    }
  }

  private receive(channel: string, payload: string): void {
    if (!channel.startsWith(this.channelPrefix)) return;
    const userId = Number(channel.slice(this.channelPrefix.length));
    if (!this.watched.has(userId) || !this.handler) return;
    let envelope: Envelope;
    try {
      envelope = JSON.parse(payload) as Envelope;
    } catch {
      return;
    }
    if (envelope.o === this.options.nodeId) return;
    const recipients = envelope.e.recipients.filter((r) => r.userId === userId);
    if (recipients.length === 0) return;
    this.stats.received++;
    this.handler({ ...envelope.e, recipients } as DeliveryEvent);
  }

  private receiveNotice(payload: string): void {
    if (!this.noticeHandler) return;
    let envelope: NoticeEnvelope;
    try {
      envelope = JSON.parse(payload) as NoticeEnvelope;
    } catch {
      return;
    }
    if (envelope.o === this.options.nodeId) return;
    this.stats.received++;
    this.noticeHandler(envelope.n);
  }

  private async resubscribeAll(): Promise<void> {
    const channels = [this.noticeChannel, ...[...this.watched].map((id) => this.channelPrefix + id)];
    for (let i = 0; i < channels.length; i += 1000) {
      try {
        await this.options.subscriber.subscribe(...channels.slice(i, i + 1000));
      } catch {
        return; // lost again: the next `ready` starts over
      }
    }
    this.stats.resubscribed++;
  }
}
