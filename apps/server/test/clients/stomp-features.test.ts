import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type WebSocket from 'ws';
import { ROUTES, StompUser } from '../support/stomp-client.js';
import { eventually, startTestServer, type TestServer } from '../support/test-app.js';

/** Operations and their pushes (docs/operations.md) through the real @stomp/stompjs client (WebSocket and SockJS xhr-polling). */
let server: TestServer;
let nextUser = 2000;
const ADMIN = 'admin-token-for-stomp-tests';
const user = async () => {
  const id = nextUser++;
  return { id, token: await server.token(id, `u${id}`) };
};
const QUEUES = ['/user/queue/messages', '/user/queue/read', '/user/queue/typing', '/user/queue/presence', '/user/queue/recalls', '/user/queue/exchange', '/user/queue/errors'];
const text = (receiverId: number, clientMsgId: string, content = 'hi') => ({ receiverId, messageType: 'TEXT', content, clientMsgId });

async function connect(token: string, route = ROUTES['ws /ws']!, options: { reconnectDelay?: number; splitLargeFrames?: boolean; chunkSize?: number } = {}): Promise<StompUser> {
  const client = await new StompUser(server.url, { route, token, ...options }).connect();
  return client.subscribe(...QUEUES);
}

beforeAll(async () => {
  server = await startTestServer({ PARLEY_ADMIN_TOKEN: ADMIN });
});
afterAll(async () => {
  await server?.app.shutdown();
});

describe('pushes', () => {
  it('read receipts reach the peer and the reader\'s other devices, with user-seq', async () => {
    const [alice, bob] = [await user(), await user()];
    await using a = await connect(alice.token);
    await using b1 = await connect(bob.token);
    await using b2 = await connect(bob.token, ROUTES['sockjs xhr-polling']);
    await a.publish('/app/chat.send', text(bob.id, 'r-1'));
    const { body: message } = await b1.next('/user/queue/messages');
    await b1.publish('/app/chat.read', { conversationId: message.conversationId });
    const receipt = await a.next('/user/queue/read');
    expect(receipt.body).toEqual({ conversationId: message.conversationId, readerId: bob.id, readUpToSeq: 1 });
    expect(receipt.message.headers['user-seq']).toBe('2');
    await b2.next('/user/queue/read', (r: any) => r.readerId === bob.id);
  });

  it('typing reaches the receiver', async () => {
    const [alice, bob] = [await user(), await user()];
    await using a = await connect(alice.token);
    await using b = await connect(bob.token, ROUTES['sockjs xhr-polling']);
    await a.publish('/app/chat.send', text(bob.id, 't-1'));
    await a.publish('/app/chat.typing', { receiverId: bob.id, typing: true });
    const { body, message } = await b.next('/user/queue/typing');
    expect(body).toMatchObject({ userId: alice.id, typing: true, conversationId: expect.any(Number) });
    expect(message.headers['user-seq']).toBeUndefined();
  });

  it('presence goes to conversation peers when the last connection closes and when one opens', async () => {
    const [alice, bob] = [await user(), await user()];
    await using a = await connect(alice.token);
    const b1 = await connect(bob.token);
    const b2 = await connect(bob.token);
    await b1.publish('/app/chat.send', text(alice.id, 'p-1'));
    await b1.client.deactivate();
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(a.bodies('/user/queue/presence').filter((p) => p.online === false)).toEqual([]);
    await b2.client.deactivate();
    const offline = await a.next('/user/queue/presence', (p: any) => p.userId === bob.id && p.online === false);
    expect(offline.body.lastSeenAt).toEqual(expect.any(String));
    await using b3 = await connect(bob.token);
    await a.next('/user/queue/presence', (p: any) => p.userId === bob.id && p.online === true);
    expect(b3.client.connected).toBe(true);
  });

  it('recall reaches both users', async () => {
    const [alice, bob] = [await user(), await user()];
    await using a = await connect(alice.token);
    await using b = await connect(bob.token);
    await a.publish('/app/chat.send', text(bob.id, 'rc-1'));
    const { body: message } = await b.next('/user/queue/messages');
    await a.publish('/app/chat.recall', { messageId: message.id });
    for (const side of [a, b]) {
      const { body } = await side.next('/user/queue/recalls');
      expect(body).toEqual({ conversationId: message.conversationId, messageId: message.id, seq: message.seq });
    }
  });

  it('exchange: the request reaches the receiver, the answer reveals each side\'s data to the other', async () => {
    const [alice, bob] = [await user(), await user()];
    await server.api(ADMIN, 'PUT', `/admin/users/${alice.id}`, { wechatId: 'alice-wx' });
    await server.api(ADMIN, 'PUT', `/admin/users/${bob.id}`, { wechatId: 'bob-wx' });
    await using a = await connect(alice.token);
    await using b = await connect(bob.token);
    await a.publish('/app/chat.exchange', { receiverId: bob.id, kind: 'WECHAT' });
    const { body: request } = await b.next('/user/queue/messages', (m: any) => m.messageType === 'EXCHANGE_WECHAT_REQUEST');
    await b.publish('/app/chat.exchange.respond', { messageId: request.id, accept: true });
    const atAlice = await a.next('/user/queue/exchange');
    expect(atAlice.body).toMatchObject({ messageId: request.id, requesterId: alice.id, responderId: bob.id, kind: 'WECHAT', accepted: true, exchangedData: { wechatId: 'bob-wx' } });
    const atBob = await b.next('/user/queue/exchange');
    expect(atBob.body.exchangedData).toMatchObject({ wechatId: 'alice-wx' });
    await a.next('/user/queue/messages', (m: any) => m.messageType === 'EXCHANGE_WECHAT_RESULT');
  });

  it('over the send rate, errors arrive on /user/queue/errors with retryAfterMs; the connection stays', async () => {
    const [alice, bob] = [await user(), await user()];
    await using a = await connect(alice.token);
    for (let i = 0; i < 35; i++) a.client.publish({ destination: '/app/chat.send', body: JSON.stringify(text(bob.id, `rl-${i}`)) });
    const { body } = await a.next('/user/queue/errors', (e: any) => e.code === 'RATE_LIMITED');
    expect(body).toMatchObject({ code: 'RATE_LIMITED', retryAfterMs: expect.any(Number), clientMsgId: expect.stringMatching(/^rl-/), destination: '/app/chat.send' });
    expect(a.client.connected).toBe(true);
  });

  it('application errors (BLOCKED, VALIDATION_FAILED) arrive on /user/queue/errors', async () => {
    const [alice, bob] = [await user(), await user()];
    await server.api(bob.token, 'PUT', `/blocks/${alice.id}`);
    await using a = await connect(alice.token);
    await a.publish('/app/chat.send', text(bob.id, 'blocked-1'));
    await a.publish('/app/chat.send', { receiverId: bob.id });
    expect((await a.next('/user/queue/errors', (e: any) => e.clientMsgId === 'blocked-1')).body.code).toBe('BLOCKED');
    await a.next('/user/queue/errors', (e: any) => e.code === 'VALIDATION_FAILED');
  });
});

describe('client behaviour', () => {
  it('frames split into 100-byte WebSocket chunks (splitLargeFrames) are reassembled', async () => {
    const [alice, bob] = [await user(), await user()];
    await using a = await connect(alice.token, ROUTES['ws /ws'], { splitLargeFrames: true, chunkSize: 100 });
    await using b = await connect(bob.token);
    const content = '长'.repeat(1500);
    await a.publish('/app/chat.send', text(bob.id, 'big-1', content));
    expect((await b.next('/user/queue/messages')).body.content).toBe(content);
  });

  it('a bad token fires onStompError and the socket closes', async () => {
    const client = new StompUser(server.url, { token: 'nope' });
    client.client.activate();
    await eventually(() => client.errors.length > 0 && client.closeCodes.length > 0, 'ERROR and close');
    expect(client.errors[0]!.headers.message).toBe('Unauthorized');
    await client.client.deactivate();
  });

  it.each([['ws /ws'], ['sockjs websocket'], ['sockjs xhr-streaming']])('after a killed socket (%s) stompjs reconnects, resubscribes and receives again', async (name) => {
    const [alice, bob] = [await user(), await user()];
    await using a = await connect(alice.token);
    await using b = await connect(bob.token, ROUTES[name], { reconnectDelay: 100 });
    await a.publish('/app/chat.send', text(bob.id, 'k-1'));
    await b.next('/user/queue/messages', (m: any) => m.clientMsgId === 'k-1');
    const [session] = server.app.registry.sessionsOf(bob.id);
    session!.close('replaced');
    await eventually(() => b.connected === 2, 'a reconnect');
    await eventually(() => server.app.registry.sessionsOf(bob.id).size === 1, 'one live session');
    await new Promise((resolve) => setTimeout(resolve, 100));
    await a.publish('/app/chat.send', text(bob.id, 'k-2'));
    await b.next('/user/queue/messages', (m: any) => m.clientMsgId === 'k-2');
    expect(b.errors.map((e) => e.headers.reconnect)).toEqual(['true']);
  });

  it('a killed client socket ends the server session and reconnects', async () => {
    const alice = await user();
    await using a = await connect(alice.token, ROUTES['ws /ws'], { reconnectDelay: 100 });
    (a.client.webSocket as unknown as WebSocket).terminate();
    await eventually(() => a.connected === 2, 'a reconnect');
    await eventually(() => server.app.registry.sessionsOf(alice.id).size === 1, 'the dead session to be removed');
  });
});
