import type { Config } from '../config.js';
import type { FanoutBus } from '../ports/fanout-bus.js';
import type { PresenceStore } from '../ports/presence-store.js';
import type { RateLimiter } from '../ports/rate-limiter.js';
import { MemoryFanoutBus } from './memory-fanout-bus.js';
import { MemoryPresenceStore } from './memory-presence-store.js';
import { createMemoryRateLimiter } from './memory-rate-limiter.js';

/** Fan-out, presence and rate limits: in-process for one node. */
export interface RealtimeBackends {
  bus: FanoutBus;
  presence: PresenceStore;
  sendLimiter: RateLimiter;
  typingLimiter: RateLimiter;
  /** Readiness probe (Redis ping); absent in-process. */
  check?: () => Promise<void>;
  close(): Promise<void>;
}

export async function createRealtimeBackends(config: Readonly<Config>): Promise<RealtimeBackends> {
  const bus = new MemoryFanoutBus();
  const presence = new MemoryPresenceStore();
  return {
    bus,
    presence,
    sendLimiter: createMemoryRateLimiter({ ratePerSecond: config.sendRatePerSecond, burst: config.sendBurst }, 'send'),
    typingLimiter: createMemoryRateLimiter({ ratePerSecond: config.typingRatePerSecond, burst: Math.ceil(config.typingRatePerSecond) }, 'typing'),
    async close() {
      await bus.close();
      await presence.close();
    },
  };
}
