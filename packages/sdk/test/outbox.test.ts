import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import {
  IndexedDbOutboxStorage,
  LocalStorageOutboxStorage,
  MemoryOutboxStorage,
  Outbox,
  newClientMsgId,
  type KeyValueStorage,
  type OutboxItem,
  type OutboxStorage,
} from '../src/index.js';
import type { Message } from '@parley/protocol';

class MapStorage implements KeyValueStorage {
  readonly map = new Map<string, string>();
  getItem(key: string) {
    return this.map.get(key) ?? null;
  }
  setItem(key: string, value: string) {
    this.map.set(key, value);
  }
  removeItem(key: string) {
    this.map.delete(key);
  }
}

const body = (n: number) => ({ receiverId: 9, messageType: 'TEXT' as const, content: `m${n}`, clientMsgId: `c-${n}` });
const stored = (clientMsgId: string): Message => ({
  id: 1, conversationId: 1, seq: 1, senderId: 7, receiverId: 9, messageType: 'TEXT', content: 'x', extra: null,
  status: 'NORMAL', isRead: false, clientMsgId, createdAt: new Date(0).toISOString(), editedAt: null, replyTo: null, reactions: [],
});
const flushStorage = () => new Promise((r) => setTimeout(r, 20));

describe('newClientMsgId', () => {
  it('is unique and within 64 characters', () => {
    const ids = new Set(Array.from({ length: 1000 }, newClientMsgId));
    expect(ids.size).toBe(1000);
    for (const id of ids) expect(id.length).toBeLessThanOrEqual(64);
  });
});

describe('Outbox', () => {
  it('moves items through queued → sending → sent/failed and reports each change', async () => {
    let now = 1000;
    const changes: string[] = [];
    const outbox = new Outbox(new MemoryOutboxStorage(), (i) => changes.push(`${i.clientMsgId}:${i.state}`), undefined, () => now++);
    await outbox.add(body(1));
    await outbox.add(body(2));
    await outbox.add(body(3));
    expect(outbox.due(2).map((i) => i.clientMsgId)).toEqual(['c-1', 'c-2']);
    outbox.markSending('c-1');
    outbox.markSending('c-2');
    expect(outbox.due(2)).toEqual([]);
    outbox.ack('c-1', stored('c-1'));
    outbox.fail('c-2', { code: 'BLOCKED', message: 'blocked' });
    expect(outbox.list().map((i) => [i.clientMsgId, i.state])).toEqual([['c-2', 'failed'], ['c-3', 'queued']]);
    outbox.requeue('c-3', now + 1_000_000);
    expect(outbox.due(5)).toEqual([]);
    expect(outbox.nextDueAt()).toBeGreaterThan(now);
    expect(outbox.retry('c-2')).toBe(true);
    expect(outbox.get('c-2')).toMatchObject({ state: 'queued', error: null });
    expect(changes).toContain('c-1:sent');
    expect(changes).toContain('c-2:failed');
  });

  it('a repeated clientMsgId returns the existing item', async () => {
    const outbox = new Outbox(new MemoryOutboxStorage(), () => undefined);
    const a = await outbox.add(body(1));
    const b = await outbox.add({ ...body(1), content: 'other' });
    expect(b).toBe(a);
    expect(outbox.list()).toHaveLength(1);
  });

  const storages: [string, () => OutboxStorage][] = [
    ['memory', () => shared.memory],
    ['localStorage', () => new LocalStorageOutboxStorage('parley-outbox-7', shared.kv)],
    ['IndexedDB', () => new IndexedDbOutboxStorage('parley-outbox-test')],
  ];
  const shared = { memory: new MemoryOutboxStorage(), kv: new MapStorage() };

  for (const [name, make] of storages) {
    it(`survives a reload with ${name} storage; in-flight items are queued again`, async () => {
      const first = new Outbox(make(), () => undefined);
      await first.add(body(1));
      await first.add(body(2));
      await first.add(body(3));
      first.markSending('c-2');
      first.ack('c-3', stored('c-3'));
      await flushStorage();
      const second = new Outbox(make(), () => undefined);
      await second.load();
      const items: OutboxItem[] = second.list();
      expect(items.map((i) => [i.clientMsgId, i.state])).toEqual([['c-1', 'queued'], ['c-2', 'queued']]);
      expect(items[1]?.attempts).toBe(1);
      second.discard('c-1');
      second.discard('c-2');
      await flushStorage();
      expect(await make().load()).toEqual([]);
    });
  }
});
