import { Redis, type RedisOptions } from 'ioredis';

export interface RedisConnectionEvents {
  /** The connection was lost (first error of an outage only). */
  lost(name: string, error: Error): void;
  /** The connection is ready again after an outage. */
  restored(name: string): void;
}

/**
 * The two connections a node keeps to Redis: one for commands (publish, presence, rate limits)
 * and one in subscriber mode (a Redis connection that subscribes can do nothing else).
 *
 * Both fail fast while Redis is away (`enableOfflineQueue: false`, one retry, a command
 * timeout) rather than queueing: callers degrade — sends still commit, fan-out falls back to
 * local delivery, rate limits to per-node memory — and clients repair through /sync. Both
 * reconnect for ever with a capped back-off. The subscriber does not use ioredis's
 * `autoResubscribe`: the fan-out bus owns its channel list and resubscribes on every `ready`.
 */
export class RedisConnections {
  readonly command: Redis;
  readonly subscriber: Redis;

  constructor(url: string, nodeId: string, events?: RedisConnectionEvents) {
    const common: RedisOptions = {
      enableOfflineQueue: false,
      maxRetriesPerRequest: 1,
      commandTimeout: 2_000,
      connectTimeout: 2_000,
      retryStrategy: (attempt) => Math.min(50 * 2 ** Math.min(attempt, 6), 2_000),
      lazyConnect: false,
    };
    this.command = new Redis(url, { ...common, connectionName: `parley-${nodeId}-cmd` });
    this.subscriber = new Redis(url, { ...common, autoResubscribe: false, connectionName: `parley-${nodeId}-sub` });
    for (const [name, redis] of [['command', this.command], ['subscriber', this.subscriber]] as const) {
      let healthy = true;
      // ioredis emits 'error' for every failed reconnect attempt; report only the transitions.
      redis.on('error', (error: Error) => {
        if (!healthy) return;
        healthy = false;
        events?.lost(name, error);
      });
      redis.on('ready', () => {
        if (healthy) return;
        healthy = true;
        events?.restored(name);
      });
    }
  }

  /** Resolves when both connections are ready, or after `timeoutMs` regardless (a node starts without Redis and catches up). */
  async ready(timeoutMs: number): Promise<boolean> {
    const one = (redis: Redis) =>
      redis.status === 'ready'
        ? Promise.resolve(true)
        : new Promise<boolean>((resolve) => {
            const timer = setTimeout(() => resolve(false), timeoutMs);
            redis.once('ready', () => {
              clearTimeout(timer);
              resolve(true);
            });
          });
    const [a, b] = await Promise.all([one(this.command), one(this.subscriber)]);
    return a && b;
  }

  /** Readiness probe: throws unless Redis answers PING. */
  async ping(): Promise<void> {
    if (this.subscriber.status !== 'ready') throw new Error(`redis subscriber is ${this.subscriber.status}`);
    await this.command.ping();
  }

  async close(): Promise<void> {
    await Promise.allSettled([this.command.quit(), this.subscriber.quit()]);
    this.command.disconnect();
    this.subscriber.disconnect();
  }
}
