import { describe, expect, it } from 'vitest';
import { HubConnection as ServerConnection } from '../../src/gateways/signalr/hub-connection.js';
import { SignalRUser, startSignalRServer, type TransportName } from '../support/signalr-client.js';
import { eventually, type TestServer } from '../support/test-app.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The server side of a user's only SignalR connection. */
function serverSide(server: TestServer, userId: number): ServerConnection {
  const sessions = [...server.app.registry.sessionsOf(userId)].filter((s): s is ServerConnection => s instanceof ServerConnection);
  expect(sessions).toHaveLength(1);
  return sessions[0]!;
}

async function sendAsBob(server: TestServer, bob: string, content: string) {
  const response = await server.api(bob, 'POST', '/messages', { receiverId: 7, messageType: 'TEXT', content, clientMsgId: content });
  expect(response.status).toBe(201);
  return response.body;
}

describe.each<TransportName>(['WebSockets', 'ServerSentEvents', 'LongPolling'])('automatic reconnect over %s', (transport) => {
  it('reconnects after the server drops the transport; /sync then gives every message exactly once; pushes resume', async () => {
    await using server = await startSignalRServer();
    const [aliceToken, bob] = await Promise.all([server.token(7, 'Alice'), server.token(9, 'Bob')]);
    await using alice = await SignalRUser.start(server.url, aliceToken, { transport, reconnectDelays: [0, 200, 500, 1000] });
    const firstId = alice.connection.connectionId;

    const m1 = await sendAsBob(server, bob, 'one');
    const pushed = await alice.next('ReceiveMessage', (m) => m.id === m1.id);
    const lastUserSeq: number = pushed.userSeq;

    serverSide(server, 7).dropTransport();
    await eventually(() => alice.reconnecting.length === 1, 'onreconnecting');
    const missed = [await sendAsBob(server, bob, 'two'), await sendAsBob(server, bob, 'three')];
    await eventually(() => alice.reconnected.length === 1, 'onreconnected');
    expect(alice.reconnected[0]).toBe(alice.connection.connectionId);
    expect(alice.connection.connectionId).not.toBe(firstId);

    const sync = await server.api(aliceToken, 'GET', `/sync?since=${lastUserSeq}`);
    expect(sync.status).toBe(200);
    const synced = sync.body.events.filter((e: any) => e.type === 'message').map((e: any) => e.data.id);
    const seen = new Set<number>([...alice.of('ReceiveMessage').map((m) => m.id), ...synced]);
    expect([...seen].sort()).toEqual([m1.id, ...missed.map((m) => m.id)].sort());
    expect(synced).toEqual(missed.map((m) => m.id));

    const m4 = await sendAsBob(server, bob, 'four');
    await alice.next('ReceiveMessage', (m) => m.id === m4.id);
    expect(alice.of('ReceiveMessage').filter((m) => m.id === m4.id)).toHaveLength(1);
  });

  it("reconnects after {type:7, allowReconnect:true} (shutdown, backpressure)", async () => {
    await using server = await startSignalRServer();
    const aliceToken = await server.token(7, 'Alice');
    await using alice = await SignalRUser.start(server.url, aliceToken, { transport, reconnectDelays: [0, 200, 500] });
    serverSide(server, 7).close('shutdown');
    await eventually(() => alice.reconnected.length === 1, 'onreconnected');
    expect(alice.reconnecting).toHaveLength(1);
    expect(alice.closed).toHaveLength(0);
  });
});

describe('server shutdown', () => {
  it('tells connected clients to reconnect elsewhere ({type:7, allowReconnect:true})', async () => {
    const server = await startSignalRServer();
    const token = await server.token(7, 'Alice');
    const alice = await SignalRUser.start(server.url, token, { reconnectDelays: [60_000] });
    try {
      await server[Symbol.asyncDispose]();
      await eventually(() => alice.reconnecting.length === 1, 'onreconnecting');
      expect(alice.reconnecting[0]).toBeUndefined();
    } finally {
      await alice[Symbol.asyncDispose]();
    }
  });
});

describe('close with an error', () => {
  it('a message over 32 KiB ends the connection with an error and no reconnect', async () => {
    await using server = await startSignalRServer();
    const aliceToken = await server.token(7, 'Alice');
    await using alice = await SignalRUser.start(server.url, aliceToken, { reconnectDelays: [0, 200] });
    const failed = alice.invoke('Typing', 'x'.repeat(40 * 1024), true);
    await expect(failed).rejects.toThrow();
    await eventually(() => alice.closed.length === 1, 'onclose');
    expect(String(alice.closed[0])).toMatch(/Server returned an error on close: PAYLOAD_TOO_LARGE: /);
    expect(alice.reconnecting).toHaveLength(0);
  });
});

describe('keep-alive', () => {
  it.each<TransportName>(['WebSockets', 'ServerSentEvents'])('an idle %s client survives well past its server timeout', async (transport) => {
    await using server = await startSignalRServer({}, { keepAliveIntervalMs: 200, clientTimeoutMs: 1500 });
    const token = await server.token(7, 'Alice');
    await using alice = await SignalRUser.start(server.url, token, { transport, serverTimeoutMs: 800, keepAliveMs: 300, reconnectDelays: [0] });
    await sleep(3000);
    expect(alice.connection.state).toBe('Connected');
    expect(alice.reconnecting).toHaveLength(0);
    expect(alice.closed).toHaveLength(0);
  });
});

describe('stateful reconnect (WebSockets)', () => {
  it('resumes without a handshake: pushes and an invoke made during the outage arrive once, without /sync', async () => {
    await using server = await startSignalRServer();
    const [aliceToken, bob] = await Promise.all([server.token(7, 'Alice'), server.token(9, 'Bob')]);
    await using alice = await SignalRUser.start(server.url, aliceToken, { stateful: true, reconnectDelays: [0, 200] });
    const id = alice.connection.connectionId;
    const before = serverSide(server, 7);
    const m1 = await sendAsBob(server, bob, 'before');
    await alice.next('ReceiveMessage', (m) => m.id === m1.id);

    before.dropTransport();
    const during = await sendAsBob(server, bob, 'during');
    const invoked = alice.invoke('SendMessage', { tempId: 'outage', receiverId: 9, messageType: 1, content: 'sent while down' });
    const result = await invoked;
    expect(result.content).toBe('sent while down');
    await alice.next('ReceiveMessage', (m) => m.id === during.id);
    await alice.next('MessageSent', (m) => m.tempId === 'outage');
    await sleep(300);

    expect(alice.connection.connectionId).toBe(id);
    expect(alice.reconnecting).toHaveLength(0);
    expect(serverSide(server, 7)).toBe(before);
    expect(alice.of('ReceiveMessage').filter((m) => m.id === during.id)).toHaveLength(1);
    expect(alice.of('MessageSent').filter((m) => m.tempId === 'outage')).toHaveLength(1);
    const history = await server.api(aliceToken, 'GET', '/messages/history/9');
    expect(history.body.items.filter((m: any) => m.clientMsgId === 'outage')).toHaveLength(1);
  });

  it('keeps more than 100 KB of calls flowing: the server acks', async () => {
    await using server = await startSignalRServer({}, { ackIntervalMs: 100 });
    const token = await server.token(7, 'Alice');
    await using alice = await SignalRUser.start(server.url, token, { stateful: true });
    const started = Date.now();
    for (let i = 0; i < 30; i++) await alice.connection.send('NoSuchMethod', 'x'.repeat(10_000));
    await expect(alice.invoke('NoSuchMethod')).rejects.toThrow(/^NOT_FOUND/);
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  it('after the window the old id is gone (404) and the client renegotiates', async () => {
    await using server = await startSignalRServer({}, { statefulReconnectWindowMs: 1 });
    const [aliceToken, bob] = await Promise.all([server.token(7, 'Alice'), server.token(9, 'Bob')]);
    await using alice = await SignalRUser.start(server.url, aliceToken, { stateful: true, reconnectDelays: [100, 200, 500] });
    const id = alice.connection.connectionId;
    serverSide(server, 7).dropTransport();
    await eventually(() => alice.reconnected.length === 1, 'onreconnected after renegotiation');
    expect(alice.connection.connectionId).not.toBe(id);
    const m = await sendAsBob(server, bob, 'after');
    await alice.next('ReceiveMessage', (r) => r.id === m.id);
  });
});
