import { describe, expect, it } from 'vitest';
import type { NodeNotice } from '../domain/node-notice.js';
import type { ClientSession, SessionCloseReason } from '../ports/client-session.js';
import type { FanoutBus } from '../ports/fanout-bus.js';
import type { NewRestriction, RestrictionStore, StoredRestriction } from '../ports/restriction-store.js';
import { RestrictionService } from './restriction-service.js';
import { SessionRegistry } from './session-registry.js';

/** A store in a map that counts reads, and can hold a read until released (to race it with a notice). */
class CountingStore implements RestrictionStore {
  readonly rows = new Map<number, StoredRestriction>();
  reads = 0;
  hold: Promise<void> | null = null;

  async get(userId: number) {
    this.reads++;
    const row = this.rows.get(userId) ?? null;
    await this.hold;
    return row;
  }
  async set(r: NewRestriction) {
    const row = { ...r, createdAt: new Date(0) };
    this.rows.set(r.userId, row);
    return row;
  }
  async setIfNone(r: NewRestriction, now: Date) {
    const existing = this.rows.get(r.userId);
    if (existing && (existing.until === null || existing.until > now)) return null;
    return this.set(r);
  }
  async remove(userId: number) {
    return this.rows.delete(userId);
  }
}

/** One node: a notice comes straight back to this node's handler, as the in-process bus does. */
function oneNodeBus(): FanoutBus {
  let onNotice: ((notice: NodeNotice) => void) | null = null;
  return {
    publish: async () => {},
    subscribe: () => {},
    watchUser: async () => {},
    unwatchUser: async () => {},
    broadcast: async (notice) => onNotice?.(notice),
    onNotice: (handler) => void (onNotice = handler),
    close: async () => {},
  };
}

function setup(nowMs = Date.parse('2026-12-01T00:00:00Z')) {
  const store = new CountingStore();
  const bus = oneNodeBus();
  const registry = new SessionRegistry();
  const clock = { ms: nowMs, now: () => new Date(clock.ms) };
  const service = new RestrictionService({ store, bus, registry, clock });
  bus.onNotice((notice) => service.handleNotice(notice));
  return { store, bus, registry, clock, service };
}

function session(id: string, userId: number) {
  const closed: SessionCloseReason[] = [];
  const s: ClientSession = { id, userId, door: 'stomp', transportName: null, push: () => {}, close: (reason) => void closed.push(reason) };
  return { session: s, closed };
}

describe('RestrictionService', () => {
  it('answers repeated checks from its cache', async () => {
    const { store, service } = setup();
    await service.assertNotBanned(1);
    await service.assertNotBanned(1);
    await service.assertMaySend(1);
    expect(store.reads).toBe(1);
  });

  it('takes a ban from its notice, without reading the store, and closes only that user\'s connections as banned', async () => {
    const { store, registry, service } = setup();
    const [mine, theirs] = [session('a', 1), session('b', 2)];
    await registry.add(mine.session);
    await registry.add(theirs.session);
    await service.assertNotBanned(1);
    const readsBefore = store.reads;

    await service.restrict(1, { kind: 'BAN', until: null, reason: 'fraud' });
    await expect(service.assertNotBanned(1)).rejects.toMatchObject({ code: 'USER_BANNED', message: 'this account is banned: fraud' });
    expect(store.reads).toBe(readsBefore);
    expect(mine.closed).toEqual(['banned']);
    expect(theirs.closed).toEqual([]);

    await service.lift(1);
    await expect(service.assertNotBanned(1)).resolves.toBeUndefined();
  });

  it('lets a mute through the door but refuses sends with USER_MUTED, and ends it at until without a store read', async () => {
    const { store, clock, service } = setup();
    const until = new Date(clock.ms + 60_000);
    await service.restrict(3, { kind: 'MUTE', until, reason: null });
    await expect(service.assertNotBanned(3)).resolves.toBeUndefined();
    await expect(service.assertMaySend(3)).rejects.toMatchObject({ code: 'USER_MUTED' });
    expect(await service.current(3)).toMatchObject({ kind: 'MUTE', until: until.toISOString(), source: 'ADMIN' });
    const reads = store.reads;
    clock.ms += 60_000;
    await expect(service.assertMaySend(3)).resolves.toBeUndefined();
    expect(await service.current(3)).toBeNull();
    expect(store.reads).toBe(reads);
  });

  it('keeps a notice that arrives while a read is in flight over the older read', async () => {
    const { store, service } = setup();
    let release!: () => void;
    store.hold = new Promise<void>((resolve) => (release = resolve));
    const check = service.assertNotBanned(4);
    // The read has seen "no restriction"; the ban lands before it returns.
    await service.restrict(4, { kind: 'BAN', until: null, reason: null });
    store.hold = null;
    release();
    await expect(check).rejects.toMatchObject({ code: 'USER_BANNED' });
    await expect(service.assertNotBanned(4)).rejects.toMatchObject({ code: 'USER_BANNED' });
  });

  it('refuses an end in the past, and never lets an automatic mute replace a ban', async () => {
    const { clock, service } = setup();
    await expect(service.restrict(5, { kind: 'MUTE', until: new Date(clock.ms - 1), reason: null })).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
    await service.restrict(5, { kind: 'BAN', until: null, reason: null });
    expect(await service.autoMute(5, 'reports')).toBeNull();
    expect(await service.current(5)).toMatchObject({ kind: 'BAN' });
  });
});
