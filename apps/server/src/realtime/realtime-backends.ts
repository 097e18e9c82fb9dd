import type { Logger } from 'pino';
import type { Config } from '../config.js';
import type { FanoutBus } from '../ports/fanout-bus.js';
import type { PresenceStore } from '../ports/presence-store.js';
import type { RateLimiter } from '../ports/rate-limiter.js';
import { MemoryFanoutBus } from './memory-fanout-bus.js';
import { MemoryPresenceStore } from './memory-presence-store.js';
import { createMemoryRateLimiter } from './memory-rate-limiter.js';
import { RedisConnections } from './redis-connections.js';
import { RedisFanoutBus } from './redis-fanout-bus.js';
import { RedisPresenceStore } from './redis-presence-store.js';
import { createRedisRateLimiter } from './redis-rate-limiter.js';
import { createMemoryWindowLimiter, createRedisWindowLimiter } from './window-rate-limiter.js';

/** Fan-out, presence and rate limits: in-process for one node, through Redis for many. */
export interface RealtimeBackends {
  bus: FanoutBus;
  presence: PresenceStore;
  sendLimiter: RateLimiter;
  typingLimiter: RateLimiter;
  /** Uploads per user and minute. */
  uploadLimiter: RateLimiter;
  /** Readiness probe (Redis ping); absent in-process. */
  check?: () => Promise<void>;
  close(): Promise<void>;
}

/** How long a starting node waits for Redis before serving anyway (it catches up when Redis appears). */
const REDIS_START_WAIT_MS = 5_000;

/** `log` reports the Redis connections' losses and recoveries. */
export async function createRealtimeBackends(config: Readonly<Config>, log: Logger): Promise<RealtimeBackends> {
  const sendShape = { ratePerSecond: config.sendRatePerSecond, burst: config.sendBurst };
  const typingShape = { ratePerSecond: config.typingRatePerSecond, burst: Math.ceil(config.typingRatePerSecond) };
  if (config.redisUrl) return createRedisBackends(config, config.redisUrl, log, sendShape, typingShape);
  const bus = new MemoryFanoutBus();
  const presence = new MemoryPresenceStore();
  return {
    bus,
    presence,
    sendLimiter: createMemoryRateLimiter(sendShape, 'send'),
    typingLimiter: createMemoryRateLimiter(typingShape, 'typing'),
    uploadLimiter: createMemoryWindowLimiter(uploadWindow(config), 'upload'),
    async close() {
      await bus.close();
      await presence.close();
    },
  };
}

async function createRedisBackends(
  config: Readonly<Config>,
  url: string,
  log: Logger,
  sendShape: { ratePerSecond: number; burst: number },
  typingShape: { ratePerSecond: number; burst: number },
): Promise<RealtimeBackends> {
  const connections = new RedisConnections(url, config.nodeId, {
    lost: (name, error) => log.warn({ connection: name, err: error.message }, 'redis connection lost: fan-out degrades to this node, clients repair through /sync'),
    restored: (name) => log.info({ connection: name }, 'redis connection restored'),
  });
  if (!(await connections.ready(REDIS_START_WAIT_MS))) log.warn('redis is not reachable yet; starting anyway (readyz reports it)');
  const prefix = config.redisPrefix;
  const bus = new RedisFanoutBus({ publisher: connections.command, subscriber: connections.subscriber, prefix, nodeId: config.nodeId });
  const presence = new RedisPresenceStore({ redis: connections.command, prefix, nodeId: config.nodeId, ttlMs: config.presenceTtlMs });
  await presence.start();
  return {
    bus,
    presence,
    sendLimiter: createRedisRateLimiter(connections.command, prefix, sendShape, 'send'),
    typingLimiter: createRedisRateLimiter(connections.command, prefix, typingShape, 'typing'),
    uploadLimiter: createRedisWindowLimiter(connections.command, prefix, uploadWindow(config), 'upload'),
    check: () => connections.ping(),
    async close() {
      // Presence first: the offline announcements of users still held go out through the bus.
      await presence.close();
      await bus.close();
      await connections.close();
    },
  };
}

function uploadWindow(config: Readonly<Config>): { points: number; windowSeconds: number } {
  return { points: config.media.uploadsPerMinute, windowSeconds: 60 };
}
