import type { Redis } from 'ioredis';
import type { PresenceExpiry, PresenceState, PresenceStore } from '../ports/presence-store.js';
import { CONNECT, DISCONNECT, HEARTBEAT, REAP } from './redis-presence-scripts.js';

export interface RedisPresenceStoreOptions {
  redis: Redis;
  prefix: string;
  nodeId: string;
  /** A node whose lease is older than this is dead; its users go offline within ~ttl + ttl/3. */
  ttlMs: number;
  now?: () => number;
}

const CHUNK = 500;

/**
 * Presence shared by all nodes (layout in redis-presence-scripts.ts). Each node holds a lease
 * it renews every ttl/3; a user is online while the set of nodes holding them is non-empty.
 * Every renewal also reaps nodes whose lease ran out, taking their users offline and reporting
 * each such user to exactly one node (`onExpired`), which announces it.
 *
 * This node's own truth is the local `held` set. Whenever Redis may disagree — a write failed
 * while Redis was away, Redis restarted empty, the lease had expired, the counts differ — the
 * next renewal re-registers the difference. Writes fail fast while Redis is down: connecting
 * then reports "not a transition" and nothing is announced until Redis is back.
 */
export class RedisPresenceStore implements PresenceStore {
  private readonly held = new Set<number>();
  /** Disconnects whose Redis write failed: offline transitions still to report, with their time. */
  private readonly unreported = new Map<number, Date>();
  private dirty = true;
  private expiredHandler: ((expiry: PresenceExpiry) => Promise<void>) | null = null;
  private timer: NodeJS.Timeout | null = null;
  private ticking: Promise<void> | null = null;
  private readonly now: () => number;

  constructor(private readonly options: RedisPresenceStoreOptions) {
    this.now = options.now ?? Date.now;
  }

  /** Takes the lease and starts renewing it; also renews at once whenever Redis comes back. */
  async start(): Promise<void> {
    this.timer = setInterval(() => void this.tick(), Math.max(100, Math.floor(this.options.ttlMs / 3)));
    this.timer.unref();
    this.options.redis.on('ready', () => void this.tick());
    await this.tick();
  }

  onExpired(handler: (expiry: PresenceExpiry) => Promise<void>): void {
    this.expiredHandler = handler;
  }

  async userConnected(userId: number): Promise<boolean> {
    this.held.add(userId);
    this.unreported.delete(userId);
    try {
      const came = (await CONNECT.run(this.options.redis, [this.options.prefix, this.options.nodeId, userId])) as string[];
      return came.length > 0;
    } catch {
      this.dirty = true;
      return false;
    }
  }

  async userDisconnected(userId: number, at: Date): Promise<boolean> {
    this.held.delete(userId);
    try {
      const gone = (await DISCONNECT.run(this.options.redis, [this.options.prefix, this.options.nodeId, at.getTime(), userId])) as string[];
      return gone.length > 0;
    } catch {
      this.dirty = true;
      this.unreported.set(userId, at);
      return false;
    }
  }

  async lookup(userIds: readonly number[]): Promise<Map<number, PresenceState>> {
    const states = new Map<number, PresenceState>();
    if (userIds.length === 0) return states;
    const { redis, prefix } = this.options;
    const pipeline = redis.pipeline();
    for (const id of userIds) pipeline.scard(`${prefix}presence:user:${id}`);
    pipeline.hmget(`${prefix}presence:seen`, ...userIds.map(String));
    const results = await pipeline.exec();
    if (!results) throw new Error('redis pipeline aborted');
    const failed = results.find(([error]) => error);
    if (failed) throw failed[0];
    const seen = results[userIds.length]![1] as (string | null)[];
    userIds.forEach((id, i) => {
      const seenMs = seen[i];
      states.set(id, { online: (results[i]![1] as number) > 0, lastSeenAt: seenMs ? new Date(Number(seenMs)) : null });
    });
    return states;
  }

  /** Graceful stop: gives up the lease and takes the users this node still holds offline (reported through `onExpired`). */
  async close(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.ticking;
    const at = new Date(this.now());
    const gone: number[] = [];
    try {
      const users = [...this.held];
      for (let i = 0; i < users.length; i += CHUNK) {
        const chunk = users.slice(i, i + CHUNK);
        gone.push(...((await DISCONNECT.run(this.options.redis, [this.options.prefix, this.options.nodeId, at.getTime(), ...chunk])) as string[]).map(Number));
      }
      await this.options.redis.zrem(`${this.options.prefix}presence:nodes`, this.options.nodeId);
    } catch {
      // Redis away: the lease runs out and a peer reaps this node's users.
    }
    this.held.clear();
    await this.report(gone, at);
  }

  /** One renewal: keep the lease, repair this node's registration if needed, reap dead nodes. */
  tick(): Promise<void> {
    this.ticking ??= this.renew()
      .then(() => this.reap())
      .catch(() => {
        this.dirty = true;
      })
      .finally(() => {
        this.ticking = null;
      });
    return this.ticking;
  }

  private async renew(): Promise<void> {
    const now = this.now();
    const [alive, count] = (await HEARTBEAT.run(this.options.redis, [this.options.prefix, this.options.nodeId, now + this.options.ttlMs, now])) as [number, number];
    if (alive !== 1 || count !== this.held.size || this.dirty) await this.reregister();
  }

  /**
   * Makes Redis hold exactly this node's `held` set. Users Redis still counted here but this
   * node no longer holds (a disconnect written while Redis was away, or racing this repair) are
   * taken offline and reported, once.
   */
  private async reregister(): Promise<void> {
    const { redis, prefix, nodeId } = this.options;
    this.dirty = false;
    const registered = new Set((await redis.smembers(`${prefix}presence:node:${nodeId}`)).map(Number));
    const toAdd = [...this.held].filter((id) => !registered.has(id));
    const toRemove = [...registered].filter((id) => !this.held.has(id));
    for (let i = 0; i < toAdd.length; i += CHUNK) await CONNECT.run(redis, [prefix, nodeId, ...toAdd.slice(i, i + CHUNK)]);
    const reported = new Set<number>();
    for (let i = 0; i < toRemove.length; i += CHUNK) {
      const chunk = toRemove.slice(i, i + CHUNK);
      const at = new Date(Math.min(...chunk.map((id) => this.unreported.get(id)?.getTime() ?? this.now())));
      const gone = ((await DISCONNECT.run(redis, [prefix, nodeId, at.getTime(), ...chunk])) as string[]).map(Number);
      gone.forEach((id) => reported.add(id));
      await this.report(gone, at);
    }
    // Users who left while Redis was away and whom Redis forgot (it restarted empty): report those offline now.
    const pending = [...this.unreported].filter(([id]) => !this.held.has(id) && !reported.has(id));
    if (pending.length > 0) {
      const states = await this.lookup(pending.map(([id]) => id));
      for (const [id, left] of pending) {
        if (states.get(id)?.online) continue;
        await redis.hset(`${prefix}presence:seen`, id, left.getTime());
        await this.report([id], left);
      }
    }
    for (const id of [...reported, ...pending.map(([id]) => id)]) this.unreported.delete(id);
  }

  private async reap(): Promise<void> {
    const { redis, prefix, ttlMs } = this.options;
    const now = this.now();
    const dead = await redis.zrangebyscore(`${prefix}presence:nodes`, '-inf', `(${now}`, 'LIMIT', 0, 16);
    for (const node of dead) {
      if (node === this.options.nodeId) continue;
      for (let round = 0; round < 200; round++) {
        const [done, at, ...gone] = (await REAP.run(redis, [prefix, node, now, ttlMs, CHUNK])) as [number, number, ...string[]];
        await this.report(gone.map(Number), new Date(at));
        if (done === 1) break;
      }
    }
  }

  private async report(userIds: number[], at: Date): Promise<void> {
    if (userIds.length === 0 || !this.expiredHandler) return;
    await this.expiredHandler({ userIds, at }).catch(() => undefined);
  }
}
