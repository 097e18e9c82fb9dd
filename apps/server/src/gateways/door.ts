import type { FastifyBaseLogger, FastifyInstance } from 'fastify';
import type { Authenticator } from '../auth/authenticator.js';
import type { Config } from '../config.js';
import type { Metrics } from '../metrics.js';
import type { Services } from '../services/services.js';
import type { SessionRegistry } from '../services/session-registry.js';
import type { UpgradeRouter } from './upgrade-router.js';

/** Everything a door (STOMP, SignalR) needs from the composition root. */
export interface DoorContext {
  config: Readonly<Config>;
  http: FastifyInstance;
  upgrades: UpgradeRouter;
  registry: SessionRegistry;
  services: Services;
  auth: Authenticator;
  logger: FastifyBaseLogger;
  metrics: Metrics;
  /** Per-door tuning keyed by door name (e.g. `signalr`), from `AppOverrides.doorOptions`; tests shorten timers with it. */
  options?: Readonly<Record<string, unknown>>;
}

export interface Door {
  readonly name: string;
  /** Stop accepting and close every connection with a reconnect hint (SIGTERM). */
  close(): Promise<void>;
}

export type DoorFactory = (context: DoorContext) => Door;
