/**
 * Three real server processes on one PostgreSQL and one Redis prefix behave as one server:
 * users spread over the nodes with several devices each, STOMP and SignalR mixed, chat, read,
 * type, exchange and go online/offline — and every push arrives exactly once on every device.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, TEST_DATABASE_URL, type TestDatabase } from '../support/test-database.js';
import { createTestRedisPrefix, TEST_REDIS_URL, type TestRedisPrefix } from '../support/test-redis.js';
import { eventually } from '../support/test-app.js';
import { StompUser } from '../support/stomp-client.js';
import { SignalRUser } from '../support/signalr-client.js';
import { startCluster, type Cluster } from './support/cluster.js';
import { api, crossNodeHub, devToken } from './support/users.js';

const ready = Boolean(TEST_DATABASE_URL && TEST_REDIS_URL);
if (!ready) console.warn('!!! multi-node delivery SKIPPED: needs PARLEY_TEST_DATABASE_URL and PARLEY_TEST_REDIS_URL');

const QUEUES = ['/user/queue/messages', '/user/queue/read', '/user/queue/typing', '/user/queue/presence', '/user/queue/exchange', '/user/queue/errors'];
const settle = (ms = 400) => new Promise((r) => setTimeout(r, ms));

/** Every push a device got, as comparable keys; a duplicate shows up as a repeated key. */
function stompKeys(user: StompUser): string[] {
  return QUEUES.flatMap((q) =>
    user.bodies(q).map((b: any) => `${q}:${b.id ?? ''}:${b.seq ?? ''}:${b.readUpToSeq ?? ''}:${b.userId ?? ''}:${b.online ?? b.typing ?? ''}:${b.messageId ?? ''}:${b.status ?? ''}`),
  );
}
function hubKeys(user: SignalRUser): string[] {
  return [...user.events.entries()].flatMap(([name, list]) =>
    list.map((b: any) => `${name}:${b.id ?? b.messageId ?? ''}:${b.seq ?? ''}:${b.readUpToSeq ?? ''}:${b.userId ?? ''}:${b.isTyping ?? ''}:${b.status ?? ''}`),
  );
}
const unique = (keys: string[]) => expect(new Set(keys).size, `duplicates in ${JSON.stringify(keys)}`).toBe(keys.length);

describe.skipIf(!ready)('three nodes behind no sticky sessions', () => {
  let db: TestDatabase;
  let space: TestRedisPrefix;
  let cluster: Cluster;
  let A: string, B: string, C: string;

  beforeAll(async () => {
    db = await createTestDatabase();
    space = createTestRedisPrefix();
    cluster = await startCluster(['node-a', 'node-b', 'node-c'], { databaseUrl: db.url, redisUrl: space.url, redisPrefix: space.prefix });
    [A, B, C] = cluster.nodes.map((n) => n.url) as [string, string, string];
  });
  afterAll(async () => {
    await cluster?.[Symbol.asyncDispose]();
    await space?.cleanup();
    await db?.drop();
  });

  it('delivers chat, reads, typing, presence and exchanges across nodes and doors, each push once', async () => {
    const alice = 101, bob = 102;
    const [ta, tb] = [await devToken(A, alice, 'Alice'), await devToken(B, bob, 'Bob')];
    expect((await api(C, ta, 'PUT', '/users/me', { wechatId: 'alice-wx' })).status).toBe(200);
    expect((await api(A, tb, 'PUT', '/users/me', { wechatId: 'bob-wx' })).status).toBe(200);
    // The conversation exists before anyone connects, so presence changes have someone to reach.
    const first = await api(C, ta, 'POST', '/messages', { receiverId: bob, messageType: 'TEXT', content: 'hello', clientMsgId: 'rest-1' });
    expect(first.status).toBe(201);
    const conversationId = first.body.conversationId ?? first.body.message?.conversationId;

    // Bob: SignalR on C, STOMP on B. Alice: STOMP on A, SignalR on B.
    await using b1 = await SignalRUser.start(C, tb);
    await using b2 = await (await new StompUser(B, { token: tb }).connect()).subscribe(...QUEUES);
    await using a1 = await (await new StompUser(A, { token: ta }).connect()).subscribe(...QUEUES);
    await b1.next('UserOnline', (e) => e.userId === alice);
    await b2.next('/user/queue/presence', (p: any) => p.userId === alice && p.online === true);
    await using a2 = await SignalRUser.start(B, ta);
    await settle();

    // Chat both ways, across doors and nodes.
    await a1.publish('/app/chat.send', { receiverId: bob, messageType: 'TEXT', content: 'm1', clientMsgId: 'a1-1' });
    await b1.next('ReceiveMessage', (m) => m.content === 'm1');
    await b2.next('/user/queue/messages', (m: any) => m.content === 'm1');
    await a2.next('ReceiveMessage', (m) => m.content === 'm1');
    await a1.next('/user/queue/messages', (m: any) => m.clientMsgId === 'a1-1');
    const m2 = await b1.invoke('SendMessage', { tempId: 'b1-1', receiverId: alice, messageType: 1, content: 'm2' });
    expect(m2.content).toBe('m2');
    await b1.next('MessageSent', (e) => e.tempId === 'b1-1');
    await b2.next('/user/queue/messages', (m: any) => m.content === 'm2');
    await a1.next('/user/queue/messages', (m: any) => m.content === 'm2');
    await a2.next('ReceiveMessage', (m) => m.content === 'm2');

    // Read mark from Bob's STOMP device reaches both of Alice's devices.
    await b2.publish('/app/chat.read', { conversationId });
    await a1.next('/user/queue/read', (r: any) => r.readerId === bob);
    await a2.next('MessagesRead', (r) => r.readerId === bob);

    // Typing from Alice's SignalR device reaches both of Bob's.
    await a2.invoke('Typing', bob, true);
    await b1.next('UserTyping', (t) => t.userId === alice && t.isTyping === true);
    await b2.next('/user/queue/typing', (t: any) => t.userId === alice && t.typing === true);

    // Exchange: Alice asks over STOMP, Bob accepts over SignalR; all four devices hear of it.
    await a1.publish('/app/chat.exchange', { receiverId: bob, kind: 'WECHAT' });
    const request = await b1.next('ReceiveMessage', (m) => m.messageType === 4);
    await b1.invoke('RespondExchange', request.id, true);
    const forAlice = await a1.next('/user/queue/exchange', (e: any) => e.accepted === true);
    expect(forAlice.body.exchangedData).toEqual(expect.objectContaining({ wechatId: 'bob-wx' }));
    await a2.next('ExchangeResponded', (e) => e.accepted === true);
    await b2.next('/user/queue/exchange', (e: any) => e.accepted === true);
    const forBob = await b1.next('ExchangeResponded', (e) => e.accepted === true);
    expect(forBob.exchangedData).toEqual(expect.objectContaining({ wechatId: 'alice-wx' }));

    // Alice leaves from both nodes: Bob's devices hear "offline" once, after the last one.
    await a1[Symbol.asyncDispose]();
    await settle(300);
    expect(b1.of('UserOffline').filter((e) => e.userId === alice)).toHaveLength(0);
    await a2[Symbol.asyncDispose]();
    await b1.next('UserOffline', (e) => e.userId === alice);
    await b2.next('/user/queue/presence', (p: any) => p.userId === alice && p.online === false);
    await settle(800);

    for (const device of [a1, b2]) unique(stompKeys(device));
    for (const device of [a2, b1]) unique(hubKeys(device));
    expect(b1.of('UserOffline').filter((e) => e.userId === alice)).toHaveLength(1);
    expect(b2.bodies('/user/queue/presence').filter((p: any) => p.userId === alice && !p.online)).toHaveLength(1);
    expect(b1.of('UserOnline').filter((e) => e.userId === alice)).toHaveLength(1);
    expect(b2.bodies('/user/queue/messages').map((m: any) => m.messageType)).toEqual(['TEXT', 'TEXT', 'EXCHANGE_WECHAT_REQUEST', 'EXCHANGE_WECHAT_RESULT']);
    const presence = await api(C, tb, 'GET', `/users/presence?ids=${alice}`);
    expect(presence.body.items[0]).toEqual(expect.objectContaining({ userId: alice, online: false }));
    expect(presence.body.items[0].lastSeenAt).not.toBeNull();
  });

  it('accepts a SignalR transport on another node than its negotiate', async () => {
    const carol = 201, dave = 202;
    const [tc, td] = [await devToken(A, carol), await devToken(C, dave)];
    const hub = crossNodeHub(A, B, tc);
    const received: any[] = [];
    hub.on('ReceiveMessage', (m) => received.push(m));
    await hub.start();
    try {
      await using dave1 = await (await new StompUser(C, { token: td }).connect()).subscribe('/user/queue/messages');
      const sent = await hub.invoke('SendMessage', { tempId: 't1', receiverId: dave, messageType: 1, content: 'over two nodes' });
      expect(sent.content).toBe('over two nodes');
      await dave1.next('/user/queue/messages', (m: any) => m.content === 'over two nodes');
      await dave1.publish('/app/chat.send', { receiverId: carol, messageType: 'TEXT', content: 'back', clientMsgId: 'd-1' });
      await eventually(() => received.some((m) => m.content === 'back'), 'the reply on the cross-node hub');
    } finally {
      await hub.stop();
    }
  });

  it('answers REST on every node from the same state', async () => {
    const erin = 301, frank = 302;
    const te = await devToken(B, erin);
    await devToken(C, frank);
    for (const [i, node] of [A, B, C].entries()) {
      expect((await api(node, te, 'POST', '/messages', { receiverId: frank, messageType: 'TEXT', content: `r${i}`, clientMsgId: `rest-${i}` })).status).toBe(201);
    }
    const histories = await Promise.all([A, B, C].map((node) => api(node, te, 'GET', `/messages/history/${frank}`)));
    for (const h of histories) expect(h.body.items.map((m: any) => [m.seq, m.content])).toEqual([[1, 'r0'], [2, 'r1'], [3, 'r2']]);
  });
});
