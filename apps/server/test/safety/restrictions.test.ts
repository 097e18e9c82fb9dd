import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SignalRUser } from '../support/signalr-client.js';
import { StompUser } from '../support/stomp-client.js';
import { eventually, startTestServer, type TestServer } from '../support/test-app.js';
import { createTestDatabase, TEST_DATABASE_URL, type TestDatabase } from '../support/test-database.js';
import { createTestRedisPrefix, TEST_REDIS_URL, type TestRedisPrefix } from '../support/test-redis.js';

/** Mute and ban through the admin API, seen on every door by real clients, on one node and across two. */
const ADMIN = 'restrictions-admin-token-0123456789';
let server: TestServer;
let nextUser = 9100;
const user = async (on: TestServer = server) => {
  const id = nextUser++;
  return { id, token: await on.token(id, `m${id}`) };
};

/** Two users who talk; the first is the one restricted. */
async function pair(on: TestServer = server) {
  const [target, peer] = [await user(on), await user(on)];
  const sent = await on.api(peer.token, 'POST', '/messages', { receiverId: target.id, messageType: 'TEXT', content: 'hello', clientMsgId: `p-${peer.id}` });
  expect(sent.status).toBe(201);
  return { target, peer, conversationId: sent.body.conversationId as number };
}

const restrict = (on: TestServer, userId: number, body: unknown) => on.api(ADMIN, 'PUT', `/admin/users/${userId}/restriction`, body);

beforeAll(async () => {
  server = await startTestServer({ PARLEY_ADMIN_TOKEN: ADMIN });
});
afterAll(async () => {
  await server?.app.shutdown();
});

describe('admin API', () => {
  it('sets, shows and lifts a restriction, and checks its input', async () => {
    const { target } = await pair();
    const until = new Date(Date.now() + 3_600_000).toISOString();
    const set = await restrict(server, target.id, { kind: 'MUTE', until, reason: 'cool down' });
    expect(set).toMatchObject({ status: 200, body: { kind: 'MUTE', until, reason: 'cool down', source: 'ADMIN' } });
    expect((await server.api(ADMIN, 'GET', `/admin/users/${target.id}`)).body.restriction).toMatchObject({ kind: 'MUTE', until });
    expect((await server.api(ADMIN, 'DELETE', `/admin/users/${target.id}/restriction`)).status).toBe(204);
    expect((await server.api(ADMIN, 'GET', `/admin/users/${target.id}`)).body.restriction).toBeNull();

    expect(await restrict(server, target.id, { kind: 'MUTE', until: '2000-01-01T00:00:00Z' })).toMatchObject({ status: 400, body: { error: { code: 'VALIDATION_FAILED' } } });
    expect(await restrict(server, target.id, { kind: 'SILENCE' })).toMatchObject({ status: 400, body: { error: { code: 'VALIDATION_FAILED' } } });
    expect(await restrict(server, 987654321, { kind: 'BAN' })).toMatchObject({ status: 404, body: { error: { code: 'USER_NOT_FOUND' } } });
    expect(await server.api(target.token, 'PUT', `/admin/users/${target.id}/restriction`, { kind: 'BAN' })).toMatchObject({ status: 401 });
  });
});

describe('a muted user', () => {
  it('reads and marks read, but sends and exchange requests and answers fail with USER_MUTED on every door', async () => {
    const { target, peer, conversationId } = await pair();
    expect((await server.api(target.token, 'PUT', '/users/me', { wechatId: 'target-wx' })).status).toBe(200);
    expect((await server.api(peer.token, 'PUT', '/users/me', { wechatId: 'peer-wx' })).status).toBe(200);
    const asked = await server.api(peer.token, 'POST', '/messages/exchange', { receiverId: target.id, kind: 'WECHAT' });
    expect(asked.status).toBe(201);
    expect((await restrict(server, target.id, { kind: 'MUTE' })).status).toBe(200);

    // Reading and read marks still work.
    expect((await server.api(target.token, 'GET', `/messages/history/${peer.id}`)).status).toBe(200);
    expect((await server.api(target.token, 'PUT', `/messages/read/${conversationId}`, {})).status).toBe(200);

    const muted = { status: 403, body: { error: { code: 'USER_MUTED' } } };
    expect(await server.api(target.token, 'POST', '/messages', { receiverId: peer.id, messageType: 'TEXT', content: 'hey', clientMsgId: 'mute-1' })).toMatchObject(muted);
    expect(await server.api(target.token, 'POST', '/messages/exchange', { receiverId: peer.id, kind: 'WECHAT' })).toMatchObject(muted);
    expect(await server.api(target.token, 'POST', `/messages/exchange/${asked.body.id}/respond`, { accept: true })).toMatchObject(muted);

    await using stomp = await new StompUser(server.url, { token: target.token }).connect();
    await stomp.subscribe('/user/queue/errors');
    await stomp.publish('/app/chat.send', { receiverId: peer.id, messageType: 'TEXT', content: 'hey', clientMsgId: 'mute-2' });
    await stomp.publish('/app/chat.exchange', { receiverId: peer.id, kind: 'PHOTO' });
    await stomp.publish('/app/chat.exchange.respond', { messageId: asked.body.id, accept: false });
    expect(stomp.bodies('/user/queue/errors').map((e) => [e.code, e.destination])).toEqual([
      ['USER_MUTED', '/app/chat.send'],
      ['USER_MUTED', '/app/chat.exchange'],
      ['USER_MUTED', '/app/chat.exchange.respond'],
    ]);

    await using hub = await SignalRUser.start(server.url, target.token);
    await expect(hub.invoke('SendMessage', { receiverId: peer.id, messageType: 1, content: 'hey', tempId: 'mute-3' })).rejects.toThrow(/USER_MUTED/);
    await expect(hub.invoke('ExchangeWeChat', peer.id)).rejects.toThrow(/USER_MUTED/);
    await expect(hub.invoke('RespondExchange', asked.body.id, true)).rejects.toThrow(/USER_MUTED/);
    expect(await hub.invoke('MarkAsRead', conversationId)).toMatchObject({ sessionId: conversationId });
  });

  it('may send again once the mute ends by itself', async () => {
    const { target, peer } = await pair();
    const until = new Date(Date.now() + 1500).toISOString();
    expect((await restrict(server, target.id, { kind: 'MUTE', until })).status).toBe(200);
    const send = (n: number) => server.api(target.token, 'POST', '/messages', { receiverId: peer.id, messageType: 'TEXT', content: 'back', clientMsgId: `end-${n}` });
    expect(await send(0)).toMatchObject({ status: 403, body: { error: { code: 'USER_MUTED' } } });
    let attempt = 1;
    await eventually(async () => (await send(attempt++)).status === 201, 'the mute to end');
    expect((await server.api(ADMIN, 'GET', `/admin/users/${target.id}`)).body.restriction).toBeNull();
  });
});

describe('a banned user', () => {
  it('is refused on every door, loses live connections with USER_BANNED, and is back once lifted', async () => {
    const { target } = await pair();
    await using stomp = await new StompUser(server.url, { token: target.token }).connect();
    await using hub = await SignalRUser.start(server.url, target.token);

    expect((await restrict(server, target.id, { kind: 'BAN', reason: 'fraud' })).status).toBe(200);
    const error = await eventually(() => stomp.errors[0], 'the STOMP ERROR frame');
    expect(error.headers.message).toBe('USER_BANNED');
    expect(error.headers.reconnect).toBeUndefined();
    expect(error.body).toMatch(/^USER_BANNED: /);
    await eventually(() => stomp.closeCodes.length > 0, 'the STOMP socket to close');
    const closed = await eventually(() => hub.closed[0], 'the SignalR connection to close');
    expect(closed.message).toMatch(/USER_BANNED: /);

    expect(await server.api(target.token, 'GET', '/messages/conversations')).toMatchObject({ status: 403, body: { error: { code: 'USER_BANNED' } } });
    await using again = new StompUser(server.url, { token: target.token });
    again.client.activate();
    const refused = await eventually(() => again.errors[0], 'the refused CONNECT');
    expect(refused.headers.message).toBe('USER_BANNED');
    const negotiate = await fetch(`${server.url}/hubs/chat/negotiate?negotiateVersion=1`, { method: 'POST', headers: { authorization: `Bearer ${target.token}` } });
    expect(negotiate.status).toBe(403);
    await expect(SignalRUser.start(server.url, target.token, { skipNegotiation: true })).rejects.toThrow();
    await again.client.deactivate();

    expect((await server.api(ADMIN, 'DELETE', `/admin/users/${target.id}/restriction`)).status).toBe(204);
    expect((await server.api(target.token, 'GET', '/messages/conversations')).status).toBe(200);
  });
});

const clusterReady = Boolean(TEST_DATABASE_URL && TEST_REDIS_URL);
if (!clusterReady) console.warn('!!! two-node ban SKIPPED: needs PARLEY_TEST_DATABASE_URL and PARLEY_TEST_REDIS_URL');

describe.skipIf(!clusterReady)('two nodes on PostgreSQL and Redis', () => {
  let db: TestDatabase;
  let space: TestRedisPrefix;
  let nodeA: TestServer;
  let nodeB: TestServer;

  beforeAll(async () => {
    db = await createTestDatabase();
    space = createTestRedisPrefix();
    const env = { DATABASE_URL: db.url, REDIS_URL: space.url, PARLEY_REDIS_PREFIX: space.prefix, JWT_SECRET: 'two-node-ban-secret-0123456789', PARLEY_ADMIN_TOKEN: ADMIN };
    nodeA = await startTestServer({ ...env, PARLEY_NODE_ID: 'ban-a' });
    nodeB = await startTestServer({ ...env, PARLEY_NODE_ID: 'ban-b' });
  });
  afterAll(async () => {
    await nodeA?.app.shutdown();
    await nodeB?.app.shutdown();
    await space?.cleanup();
    await db?.drop();
  });

  it('a ban set on one node closes the connections held by the other and refuses the user there at once', async () => {
    const { target } = await pair(nodeA);
    // Node B has answered for the user before the ban: its cache holds "not banned".
    expect((await nodeB.api(target.token, 'GET', '/messages/conversations')).status).toBe(200);
    await using stompOnA = await new StompUser(nodeA.url, { token: target.token }).connect();
    await using stompOnB = await new StompUser(nodeB.url, { token: target.token }).connect();
    await using hubOnB = await SignalRUser.start(nodeB.url, target.token);

    expect((await restrict(nodeA, target.id, { kind: 'BAN' })).status).toBe(200);
    for (const stomp of [stompOnA, stompOnB]) expect((await eventually(() => stomp.errors[0], 'a STOMP ERROR frame')).headers.message).toBe('USER_BANNED');
    expect((await eventually(() => hubOnB.closed[0], 'the SignalR connection on node B to close')).message).toMatch(/USER_BANNED/);
    expect(await nodeB.api(target.token, 'GET', '/messages/conversations')).toMatchObject({ status: 403, body: { error: { code: 'USER_BANNED' } } });

    expect((await nodeB.api(ADMIN, 'DELETE', `/admin/users/${target.id}/restriction`)).status).toBe(204);
    // The lifting node answers at once; the other one once the notice has crossed Redis.
    expect((await nodeB.api(target.token, 'GET', '/messages/conversations')).status).toBe(200);
    await eventually(async () => (await nodeA.api(target.token, 'GET', '/messages/conversations')).status === 200, 'node A to let the user in again', 2_000);
  });
});
