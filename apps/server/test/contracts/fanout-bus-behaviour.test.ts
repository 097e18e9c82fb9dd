/**
 * One behaviour suite for the FanoutBus port, run against the in-process bus and the Redis bus
 * (every port has both, and one suite holds them to the same behaviour). A "node" is one bus instance; the memory bus is a cluster of exactly one node,
 * so the cross-node cases run only where a backend can have several.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { DeliveryEvent } from '../../src/domain/delivery-event.js';
import type { NodeNotice } from '../../src/domain/node-notice.js';
import type { FanoutBus } from '../../src/ports/fanout-bus.js';
import { MemoryFanoutBus } from '../../src/realtime/memory-fanout-bus.js';
import { RedisConnections } from '../../src/realtime/redis-connections.js';
import { RedisFanoutBus } from '../../src/realtime/redis-fanout-bus.js';
import { eventually } from '../support/test-app.js';
import { createTestRedisPrefix, TEST_REDIS_URL } from '../support/test-redis.js';
import { redisServerAvailable, startRedisServer } from '../support/redis-server-process.js';

interface Node {
  bus: FanoutBus;
  received: DeliveryEvent[];
  notices: NodeNotice[];
}

interface BusBackend {
  name: string;
  available: boolean;
  maxNodes: number;
  open(count: number): Promise<{ nodes: Node[]; dispose(): Promise<void> }>;
}

function attach(bus: FanoutBus): Node {
  const node: Node = { bus, received: [], notices: [] };
  bus.subscribe((event) => node.received.push(event));
  bus.onNotice((notice) => node.notices.push(notice));
  return node;
}

async function openRedisNodes(url: string, prefix: string, count: number) {
  const connections: RedisConnections[] = [];
  const nodes: Node[] = [];
  for (let i = 0; i < count; i++) {
    const c = new RedisConnections(url, `n${i}-${prefix}`);
    await c.ready(5_000);
    connections.push(c);
    nodes.push(attach(new RedisFanoutBus({ publisher: c.command, subscriber: c.subscriber, prefix, nodeId: `n${i}` })));
  }
  return { nodes, connections };
}

const BACKENDS: BusBackend[] = [
  {
    name: 'memory',
    available: true,
    maxNodes: 1,
    async open() {
      const bus = new MemoryFanoutBus();
      return { nodes: [attach(bus)], dispose: () => bus.close() };
    },
  },
  {
    name: 'Redis',
    available: Boolean(TEST_REDIS_URL),
    maxNodes: 8,
    async open(count) {
      const space = createTestRedisPrefix();
      const { nodes, connections } = await openRedisNodes(space.url, space.prefix, count);
      return {
        nodes,
        async dispose() {
          for (const n of nodes) await n.bus.close();
          for (const c of connections) await c.close();
          await space.cleanup();
        },
      };
    },
  },
];

const message = (recipients: number[], text = 'hi'): DeliveryEvent => ({
  kind: 'message',
  body: {
    id: 1, conversationId: 1, seq: 1, senderId: recipients[0]!, receiverId: recipients[1] ?? recipients[0]!, messageType: 'TEXT',
    content: text, extra: null, status: 'NORMAL', isRead: false, clientMsgId: null, createdAt: new Date(0).toISOString(),
    editedAt: null, replyTo: null, reactions: [],
  },
  recipients: recipients.map((userId, i) => ({ userId, userSeq: i + 10 })),
});

const settle = () => new Promise((resolve) => setTimeout(resolve, 150));
const contentOf = (e: DeliveryEvent) => (e.kind === 'message' ? e.body.content : null);

if (!TEST_REDIS_URL) console.warn('!!! fan-out bus behaviour: Redis cases SKIPPED (PARLEY_TEST_REDIS_URL unset)');

for (const backend of BACKENDS) {
  describe.skipIf(!backend.available)(`FanoutBus on ${backend.name}`, () => {
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

    it('delivers a published event to the publishing node exactly once, whole', async () => {
      const [a] = await open(1);
      await a!.bus.watchUser(1);
      await a!.bus.publish(message([1, 2]));
      await settle();
      expect(a!.received).toHaveLength(1);
      expect(a!.received[0]!.recipients.map((r) => r.userId)).toEqual([1, 2]);
    });

    it('keeps the order of one publisher', async () => {
      const [a] = await open(1);
      await a!.bus.watchUser(1);
      for (let i = 0; i < 50; i++) void a!.bus.publish(message([1, 2], `m${i}`));
      await eventually(() => a!.received.length === 50, 'fifty events');
      expect(a!.received.map(contentOf)).toEqual(Array.from({ length: 50 }, (_, i) => `m${i}`));
    });

    multi('routes a user\'s events only to the nodes watching that user, once each, for that recipient only', async () => {
      const [a, b, c, d] = await open(4);
      await b!.bus.watchUser(2);
      await c!.bus.watchUser(2);
      await c!.bus.watchUser(1);
      await a!.bus.publish(message([1, 2]));
      await eventually(() => b!.received.length >= 1 && c!.received.length >= 2, 'remote deliveries');
      await settle();
      expect(a!.received).toHaveLength(1); // its own, delivered locally, never echoed back
      expect(b!.received.map((e) => e.recipients.map((r) => r.userId))).toEqual([[2]]);
      expect(b!.received[0]!.recipients[0]!.userSeq).toBe(11);
      expect(c!.received.map((e) => e.recipients[0]!.userId).sort()).toEqual([1, 2]);
      expect(d!.received).toHaveLength(0);
    });

    multi('carries per-recipient bodies to the right node', async () => {
      const [a, b] = await open(2);
      await b!.bus.watchUser(8);
      await a!.bus.publish({
        kind: 'exchange',
        body: { messageId: 5, requesterId: 7, responderId: 8, kind: 'WECHAT', accepted: true, exchangedData: null },
        recipients: [
          { userId: 7, userSeq: 1, body: { messageId: 5, requesterId: 7, responderId: 8, kind: 'WECHAT', accepted: true, exchangedData: { wechatId: 'for-7' } } },
          { userId: 8, userSeq: 2, body: { messageId: 5, requesterId: 7, responderId: 8, kind: 'WECHAT', accepted: true, exchangedData: { wechatId: 'for-8' } } },
        ],
      } as DeliveryEvent);
      await eventually(() => b!.received.length === 1, 'exchange delivery');
      expect(b!.received[0]!.recipients).toEqual([expect.objectContaining({ userId: 8, body: expect.objectContaining({ exchangedData: { wechatId: 'for-8' } }) })]);
    });

    multi('stops routing to a node once it unwatches the user', async () => {
      const [a, b] = await open(2);
      await b!.bus.watchUser(3);
      await a!.bus.publish(message([4, 3], 'one'));
      await eventually(() => b!.received.length === 1, 'first delivery');
      await b!.bus.unwatchUser(3);
      await a!.bus.publish(message([4, 3], 'two'));
      await settle();
      expect(b!.received.map(contentOf)).toEqual(['one']);
    });

    const ban = (userId: number): NodeNotice => ({
      kind: 'restriction',
      userId,
      restriction: { kind: 'BAN', until: null, reason: 'test', source: 'ADMIN', createdAt: new Date(0).toISOString() },
    });

    it('hands a notice to the broadcasting node itself once, before the broadcast settles', async () => {
      const [a] = await open(1);
      await a!.bus.broadcast(ban(5));
      expect(a!.notices).toEqual([ban(5)]);
      await settle();
      expect(a!.notices).toHaveLength(1);
    });

    multi('carries a notice to every node, whether or not it watches the user, once each', async () => {
      const [a, b, c] = await open(3);
      await b!.bus.watchUser(6);
      await settle();
      await a!.bus.broadcast(ban(6));
      await eventually(() => b!.notices.length === 1 && c!.notices.length === 1, 'the notice on every node');
      await settle();
      for (const node of [a, b, c]) expect(node!.notices).toEqual([ban(6)]);
      expect(b!.received).toHaveLength(0);
    });
  });
}

describe.skipIf(!TEST_REDIS_URL)('RedisFanoutBus across Redis failures', () => {
  it('subscribes again by itself after its subscriber connection is dropped', async () => {
    await using space = createTestRedisPrefix();
    const { nodes, connections } = await openRedisNodes(space.url, space.prefix, 2);
    try {
      const [a, b] = nodes;
      await b!.bus.watchUser(5);
      const list = (await connections[0]!.command.client('LIST')) as string;
      const line = list.split('\n').find((l) => l.includes(`name=parley-n1-${space.prefix}-sub`));
      const id = /id=(\d+)/.exec(line ?? '')?.[1];
      expect(id).toBeDefined();
      await connections[0]!.command.client('KILL', 'ID', id!);
      await eventually(async () => {
        await a!.bus.publish(message([6, 5], 'after'));
        return b!.received.some((e) => contentOf(e) === 'after');
      }, 'delivery after the subscriber reconnected');
    } finally {
      for (const n of nodes) await n.bus.close();
      for (const c of connections) await c.close();
    }
  });
});

describe.runIf(await redisServerAvailable())('RedisFanoutBus with its Redis down', () => {
  it('never fails a publish, still delivers locally, and resumes after Redis restarts', async () => {
    await using redis = await startRedisServer();
    const { nodes, connections } = await openRedisNodes(redis.url, 'p:', 2);
    try {
      const [a, b] = nodes;
      await b!.bus.watchUser(2);
      await redis.kill();
      await eventually(() => connections[0]!.command.status !== 'ready', 'connection loss');
      await expect(a!.bus.publish(message([1, 2], 'lost'))).resolves.toBeUndefined();
      expect(a!.received.map(contentOf)).toEqual(['lost']);
      expect((a!.bus as RedisFanoutBus).stats.dropped).toBeGreaterThan(0);
      await redis.start();
      await eventually(async () => {
        await a!.bus.publish(message([1, 2], 'back'));
        return b!.received.some((e) => contentOf(e) === 'back');
      }, 'delivery after the restart', 20_000);
      expect(b!.received.map(contentOf)).not.toContain('lost');
    } finally {
      for (const n of nodes) await n.bus.close();
      for (const c of connections) await c.close();
    }
  });
});
