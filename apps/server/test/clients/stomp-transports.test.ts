import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROUTES, StompUser } from '../support/stomp-client.js';
import { startTestServer, type TestServer } from '../support/test-app.js';

/**
 * The real @stomp/stompjs client over every way in: plain WebSocket on /ws and /ws/websocket,
 * and sockjs-client forced to each transport it supports in Node.
 */
let server: TestServer;
let nextUser = 1000;
const user = async () => {
  const id = nextUser++;
  return { id, token: await server.token(id, `u${id}`) };
};

beforeAll(async () => {
  server = await startTestServer({ PARLEY_STOMP_HEARTBEAT_MS: '200', PARLEY_SEND_RATE: '1000', PARLEY_SEND_BURST: '1000' });
});
afterAll(async () => {
  await server?.app.shutdown();
});

describe.each(Object.entries(ROUTES))('stompjs over %s', (_, route) => {
  it('connects with STOMP 1.2 and the agreed heart-beat, then deactivates cleanly', async () => {
    const alice = await user();
    const client = await new StompUser(server.url, { route, token: alice.token, heartbeatMs: 200 }).connect();
    expect(client.lastConnected?.headers).toMatchObject({ version: '1.2', 'heart-beat': '200,200', 'user-name': String(alice.id) });
    await client.client.deactivate();
    expect(client.errors).toEqual([]);
  });

  it('sends and receives both ways, echoes to every device of the sender, receipts after commit', async () => {
    const [alice, bob] = [await user(), await user()];
    await using a1 = await (await new StompUser(server.url, { route, token: alice.token }).connect()).subscribe('/user/queue/messages');
    await using a2 = await (await new StompUser(server.url, { token: alice.token }).connect()).subscribe('/user/queue/messages');
    await using b1 = await (await new StompUser(server.url, { route, token: bob.token }).connect()).subscribe('/user/queue/messages');

    await a1.publish('/app/chat.send', { receiverId: bob.id, messageType: 'TEXT', content: 'héllo 😀 你好', clientMsgId: 'a-1' });
    const history = await server.api(alice.token, 'GET', `/messages/history/${bob.id}`);
    expect(history.body.items.map((m: { clientMsgId: string }) => m.clientMsgId)).toEqual(['a-1']);

    const atBob = await b1.next('/user/queue/messages', (m: any) => m.clientMsgId === 'a-1');
    expect(atBob.body).toMatchObject({ senderId: alice.id, receiverId: bob.id, content: 'héllo 😀 你好', seq: 1 });
    expect(atBob.message.headers.destination).toBe('/user/queue/messages');
    expect(atBob.message.headers['user-seq']).toBe('1');
    for (const device of [a1, a2]) await device.next('/user/queue/messages', (m: any) => m.clientMsgId === 'a-1');

    await b1.publish('/app/chat.send', { receiverId: alice.id, messageType: 'TEXT', content: 'back', clientMsgId: 'b-1' });
    for (const device of [a1, a2, b1]) await device.next('/user/queue/messages', (m: any) => m.clientMsgId === 'b-1');
  });

  it('survives idle periods on STOMP heart-beats alone', async () => {
    const alice = await user();
    await using client = await new StompUser(server.url, { route, token: alice.token, heartbeatMs: 200 }).connect();
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(client.client.connected).toBe(true);
    expect(client.connected).toBe(1);
    expect(client.closeCodes).toEqual([]);
  });
});
