/**
 * One behaviour suite for the PresenceStore port, run against the in-process store and the
 * Redis store, so both keep the same promises. A "node" is one store instance; the memory store is a cluster of
 * exactly one node, so the cross-node cases (several nodes, a node dying) run on Redis only.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { PresenceExpiry, PresenceStore } from '../../src/ports/presence-store.js';
import { MemoryPresenceStore } from '../../src/realtime/memory-presence-store.js';
import { RedisConnections } from '../../src/realtime/redis-connections.js';
import { RedisPresenceStore } from '../../src/realtime/redis-presence-store.js';
import { eventually } from '../support/test-app.js';
import { createTestRedisPrefix, TEST_REDIS_URL } from '../support/test-redis.js';
import { redisServerAvailable, startRedisServer } from '../support/redis-server-process.js';

const TTL_MS = 600;

interface Node {
  store: PresenceStore;
  expired: PresenceExpiry[];
  /** Simulates a crash: the node stops renewing its lease and never cleans up. */
  crash(): Promise<void>;
}

interface PresenceBackend {
  name: string;
  available: boolean;
  maxNodes: number;
  open(count: number): Promise<{ nodes: Node[]; dispose(): Promise<void> }>;
}

async function openRedisNode(url: string, prefix: string, nodeId: string): Promise<Node & { connections: RedisConnections; redisStore: RedisPresenceStore }> {
  const connections = new RedisConnections(url, nodeId);
  await connections.ready(5_000);
  const store = new RedisPresenceStore({ redis: connections.command, prefix, nodeId, ttlMs: TTL_MS });
  const node = {
    store,
    redisStore: store,
    connections,
    expired: [] as PresenceExpiry[],
    async crash() {
      connections.command.disconnect();
      connections.subscriber.disconnect();
    },
  };
  store.onExpired(async (expiry) => void node.expired.push(expiry));
  await store.start();
  return node;
}

const BACKENDS: PresenceBackend[] = [
  {
    name: 'memory',
    available: true,
    maxNodes: 1,
    async open() {
      const store = new MemoryPresenceStore();
      return { nodes: [{ store, expired: [], crash: async () => undefined }], dispose: () => store.close() };
    },
  },
  {
    name: 'Redis',
    available: Boolean(TEST_REDIS_URL),
    maxNodes: 8,
    async open(count) {
      const space = createTestRedisPrefix();
      const nodes: Awaited<ReturnType<typeof openRedisNode>>[] = [];
      for (let i = 0; i < count; i++) nodes.push(await openRedisNode(space.url, space.prefix, `node${i}`));
      return {
        nodes,
        async dispose() {
          for (const n of nodes) {
            await n.store.close().catch(() => undefined);
            await n.connections.close();
          }
          await space.cleanup();
        },
      };
    },
  },
];

const offlineIds = (expired: PresenceExpiry[]) => expired.flatMap((e) => e.userIds).sort((x, y) => x - y);

if (!TEST_REDIS_URL) console.warn('!!! presence store behaviour: Redis cases SKIPPED (PARLEY_TEST_REDIS_URL unset)');

for (const backend of BACKENDS) {
  describe.skipIf(!backend.available)(`PresenceStore on ${backend.name}`, () => {
    let dispose: (() => Promise<void>) | null = null;
    const open = async (count: number) => {
      const opened = await backend.open(count);
      dispose = opened.dispose;
      return opened.nodes;
    };
    afterEach(async () => {
      await dispose?.();
      dispose = null;
    });
    const multi = it.skipIf(backend.maxNodes < 2);

    it('reports unknown users offline with no lastSeenAt', async () => {
      const [a] = await open(1);
      expect(await a!.store.lookup([404])).toEqual(new Map([[404, { online: false, lastSeenAt: null }]]));
      expect(await a!.store.lookup([])).toEqual(new Map());
    });

    it('turns a user online on the first connection and offline with lastSeenAt on the last', async () => {
      const [a] = await open(1);
      expect(await a!.store.userConnected(1)).toBe(true);
      expect(await a!.store.userConnected(1)).toBe(false);
      expect((await a!.store.lookup([1])).get(1)).toEqual({ online: true, lastSeenAt: null });
      const at = new Date('2026-11-21T08:00:00.000Z');
      expect(await a!.store.userDisconnected(1, at)).toBe(true);
      expect((await a!.store.lookup([1])).get(1)).toEqual({ online: false, lastSeenAt: at });
      expect(await a!.store.userDisconnected(1, at)).toBe(false);
    });

    it('keeps a reconnecting user online and remembers the previous lastSeenAt meanwhile', async () => {
      const [a] = await open(1);
      const at = new Date('2026-11-21T08:00:00.000Z');
      await a!.store.userConnected(2);
      await a!.store.userDisconnected(2, at);
      expect(await a!.store.userConnected(2)).toBe(true);
      expect((await a!.store.lookup([2, 3])).get(2)?.online).toBe(true);
    });

    multi('counts a user online while any node holds them; only the last node reports the transition', async () => {
      const [a, b] = await open(2);
      expect(await a!.store.userConnected(7)).toBe(true);
      expect(await b!.store.userConnected(7)).toBe(false);
      expect(await a!.store.userDisconnected(7, new Date())).toBe(false);
      expect((await b!.store.lookup([7])).get(7)?.online).toBe(true);
      expect(await b!.store.userDisconnected(7, new Date())).toBe(true);
      expect((await a!.store.lookup([7])).get(7)?.online).toBe(false);
    });

    multi('takes the users of a crashed node offline within the TTL, reported once across the survivors', async () => {
      const [dead, b, c] = await open(3);
      for (const id of [11, 12, 13]) await dead!.store.userConnected(id);
      await b!.store.userConnected(13); // still held elsewhere: must stay online
      await dead!.crash();
      // The bound is ttl + one renewal period; the generous deadline only keeps a loaded machine from failing it.
      await eventually(() => offlineIds([...b!.expired, ...c!.expired]).length >= 2, 'expiry reports', 10 * TTL_MS);
      await new Promise((r) => setTimeout(r, TTL_MS));
      expect(offlineIds([...b!.expired, ...c!.expired])).toEqual([11, 12]);
      const states = await b!.store.lookup([11, 12, 13]);
      expect(states.get(11)?.online).toBe(false);
      expect(states.get(11)?.lastSeenAt).toBeInstanceOf(Date);
      expect(states.get(13)?.online).toBe(true);
    });

    multi('takes a stopped node\'s remaining users offline and reports them from that node', async () => {
      const [a, b] = await open(2);
      await a!.store.userConnected(21);
      await a!.store.close();
      expect(offlineIds(a!.expired)).toEqual([21]);
      expect((await b!.store.lookup([21])).get(21)?.online).toBe(false);
    });
  });
}

describe.skipIf(!TEST_REDIS_URL)('RedisPresenceStore repairs itself', () => {
  it('re-registers its users when Redis forgets them (restart without persistence)', async () => {
    await using space = createTestRedisPrefix();
    const node = await openRedisNode(space.url, space.prefix, 'solo');
    try {
      await node.store.userConnected(31);
      const keys = await node.connections.command.keys(`${space.prefix}*`);
      await node.connections.command.del(...keys);
      expect((await node.store.lookup([31])).get(31)?.online).toBe(false);
      await node.redisStore.tick();
      expect((await node.store.lookup([31])).get(31)?.online).toBe(true);
    } finally {
      await node.store.close();
      await node.connections.close();
    }
  });
});

describe.runIf(await redisServerAvailable())('RedisPresenceStore with its Redis down', () => {
  it('keeps serving connects and disconnects, then reports what changed once Redis is back', async () => {
    await using redis = await startRedisServer();
    const a = await openRedisNode(redis.url, 'p:', 'a');
    const b = await openRedisNode(redis.url, 'p:', 'b');
    try {
      await a.store.userConnected(41);
      await a.store.userConnected(42);
      await redis.kill();
      await eventually(() => a.connections.command.status !== 'ready', 'connection loss');
      await expect(a.store.userDisconnected(41, new Date())).resolves.toBe(false);
      await expect(a.store.userConnected(43)).resolves.toBe(false);
      await redis.start();
      await eventually(async () => {
        const states = await b.store.lookup([41, 42, 43]).catch(() => null);
        return states && !states.get(41)?.online && states.get(42)?.online && states.get(43)?.online;
      }, 'presence rebuilt after the restart', 20_000);
      await eventually(() => offlineIds([...a.expired, ...b.expired]).includes(41), 'offline report of 41');
      expect(offlineIds([...a.expired, ...b.expired])).toEqual([41]);
    } finally {
      for (const n of [a, b]) {
        await n.store.close().catch(() => undefined);
        await n.connections.close();
      }
    }
  });
});
