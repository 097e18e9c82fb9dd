import type { Restriction, RestrictionKind, RestrictionSource } from '@parley/protocol';
import { AppError } from '../domain/app-error.js';
import type { NodeNotice, RestrictionNotice } from '../domain/node-notice.js';
import type { Clock } from '../ports/clock.js';
import type { FanoutBus } from '../ports/fanout-bus.js';
import type { RestrictionStore, StoredRestriction } from '../ports/restriction-store.js';
import type { SessionRegistry } from './session-registry.js';

/** What a restriction change is reported as (logged and counted by the composition root). */
export interface RestrictionObserver {
  restricted(userId: number, restriction: Restriction): void;
  lifted(userId: number, source: RestrictionSource | 'ANY'): void;
}

export interface RestrictionServiceDeps {
  store: RestrictionStore;
  bus: FanoutBus;
  registry: SessionRegistry;
  clock: Clock;
  observer?: RestrictionObserver;
  /**
   * How long a cached answer may be used without a notice. Notices keep every node's cache right
   * at once; this only bounds the damage of a notice lost to a Redis outage.
   */
  cacheTtlMs?: number;
  /** Users kept in the cache at most; the oldest entries go first. */
  cacheSize?: number;
}

interface CacheEntry {
  restriction: StoredRestriction | null;
  loadedAtMs: number;
}

const toWire = (r: StoredRestriction): Restriction => ({
  kind: r.kind,
  until: r.until?.toISOString() ?? null,
  reason: r.reason,
  source: r.source,
  createdAt: r.createdAt.toISOString(),
});

/**
 * Mute and ban (docs/safety.md, "Restrictions"). A restriction ends by itself at `until`: every
 * check compares with now, so no job lifts it. Every door asks `assertNotBanned` on every
 * request, so answers come from a per-node cache that every change refreshes on all nodes
 * through the fan-out bus; the same notice ends a banned user's live connections on each node.
 */
export class RestrictionService {
  private readonly cache = new Map<number, CacheEntry>();
  /** Bumped by each notice: a read that started before it must not overwrite what it brought. */
  private readonly generation = new Map<number, number>();
  private readonly ttlMs: number;
  private readonly maxEntries: number;

  constructor(private readonly deps: RestrictionServiceDeps) {
    this.ttlMs = deps.cacheTtlMs ?? 30_000;
    this.maxEntries = deps.cacheSize ?? 100_000;
  }

  /** Handles a notice from any node (this one included): refreshes the cache, ends a banned user's connections here. */
  handleNotice(notice: NodeNotice): void {
    if (notice.kind !== 'restriction') return;
    this.remember(notice.userId, fromNotice(notice));
    if (notice.restriction?.kind === 'BAN' && this.inForce(fromNotice(notice))) {
      for (const session of [...this.deps.registry.sessionsOf(notice.userId)]) session.close('banned');
    }
  }

  /** The restriction in force now, or null. */
  async current(userId: number): Promise<Restriction | null> {
    const stored = await this.lookup(userId);
    return stored && this.inForce(stored) ? toWire(stored) : null;
  }

  /** Every door, on every request: a banned user gets USER_BANNED. */
  async assertNotBanned(userId: number): Promise<void> {
    const stored = await this.lookup(userId);
    if (stored?.kind === 'BAN' && this.inForce(stored)) throw new AppError('USER_BANNED', bannedMessage(stored));
  }

  /** Writes other than reading and read marks (exchange requests and answers): muted or banned users get their code. */
  async assertMaySend(userId: number): Promise<void> {
    const stored = await this.lookup(userId);
    if (!stored || !this.inForce(stored)) return;
    if (stored.kind === 'BAN') throw new AppError('USER_BANNED', bannedMessage(stored));
    throw new AppError('USER_MUTED', `you are muted${stored.until ? ` until ${stored.until.toISOString()}` : ''}${stored.reason ? `: ${stored.reason}` : ''}`);
  }

  /** An operator's decision; replaces any restriction the user had. */
  async restrict(userId: number, change: { kind: RestrictionKind; until: Date | null; reason: string | null; source?: RestrictionSource }): Promise<Restriction> {
    if (change.until && change.until.getTime() <= this.deps.clock.now().getTime()) {
      throw new AppError('VALIDATION_FAILED', 'until: must be in the future');
    }
    const stored = await this.deps.store.set({ userId, kind: change.kind, until: change.until, reason: change.reason, source: change.source ?? 'ADMIN' });
    await this.announce(userId, stored);
    const wire = toWire(stored);
    this.deps.observer?.restricted(userId, wire);
    return wire;
  }

  /** The automatic mute after reports from many users: never overrides a restriction in force. */
  async autoMute(userId: number, reason: string): Promise<Restriction | null> {
    const stored = await this.deps.store.setIfNone({ userId, kind: 'MUTE', until: null, reason, source: 'AUTO' }, this.deps.clock.now());
    if (!stored) return null;
    await this.announce(userId, stored);
    const wire = toWire(stored);
    this.deps.observer?.restricted(userId, wire);
    return wire;
  }

  /** Lifts the user's restriction (only an automatic one, when `source` is AUTO); false when there was none. */
  async lift(userId: number, source?: RestrictionSource): Promise<boolean> {
    const removed = await this.deps.store.remove(userId, source);
    if (!removed) return false;
    // Read back: lifting only an automatic mute leaves an operator's restriction standing.
    await this.announce(userId, await this.deps.store.get(userId));
    this.deps.observer?.lifted(userId, source ?? 'ANY');
    return true;
  }

  private async announce(userId: number, stored: StoredRestriction | null): Promise<void> {
    const notice: RestrictionNotice = { kind: 'restriction', userId, restriction: stored ? toWire(stored) : null };
    await this.deps.bus.broadcast(notice);
  }

  private inForce(r: StoredRestriction | null): r is StoredRestriction {
    return r !== null && (r.until === null || r.until.getTime() > this.deps.clock.now().getTime());
  }

  private async lookup(userId: number): Promise<StoredRestriction | null> {
    const cached = this.cache.get(userId);
    if (cached && Date.now() - cached.loadedAtMs < this.ttlMs) return cached.restriction;
    const generation = this.generation.get(userId) ?? 0;
    const stored = await this.deps.store.get(userId);
    // A notice arrived while we read: it is newer than what we read.
    if ((this.generation.get(userId) ?? 0) !== generation) return this.cache.get(userId)?.restriction ?? null;
    this.put(userId, stored);
    return stored;
  }

  private remember(userId: number, restriction: StoredRestriction | null): void {
    this.generation.set(userId, (this.generation.get(userId) ?? 0) + 1);
    // Generations are only needed while a read may be in flight; keep the map as small as the cache.
    if (this.generation.size > this.maxEntries) this.generation.delete(this.generation.keys().next().value!);
    this.put(userId, restriction);
  }

  private put(userId: number, restriction: StoredRestriction | null): void {
    this.cache.delete(userId);
    this.cache.set(userId, { restriction, loadedAtMs: Date.now() });
    if (this.cache.size > this.maxEntries) this.cache.delete(this.cache.keys().next().value!);
  }
}

function fromNotice(notice: RestrictionNotice): StoredRestriction | null {
  const r = notice.restriction;
  if (!r) return null;
  return { userId: notice.userId, kind: r.kind, until: r.until ? new Date(r.until) : null, reason: r.reason, source: r.source, createdAt: new Date(r.createdAt) };
}

function bannedMessage(r: StoredRestriction): string {
  return `this account is banned${r.until ? ` until ${r.until.toISOString()}` : ''}${r.reason ? `: ${r.reason}` : ''}`;
}
