import { describe, expect, it } from 'vitest';
import { nodeHubOptions, RawHub, RS, SignalRUser, startSignalRServer } from '../support/signalr-client.js';

/**
 * A hand-written mini-program client of the ChatHub (as in `utils/signalr.js`): no negotiate, the token in
 * `?access_token=`, subprotocol `websocket` offered, `{"protocol":"json","version":1}` + 0x1E,
 * invocations without `invocationId`, incoming text split on 0x1E.
 */
describe('hand-written mini-program client over raw ws', () => {
  it('connects like signalr.js, sends without invocationId and receives pushes', async () => {
    await using server = await startSignalRServer();
    const [aliceToken, bobToken] = await Promise.all([server.token(7, 'Alice'), server.token(9, 'Bob')]);
    // uni.connectSocket({ url: `${wsUrl}?access_token=${token}`, protocols: ['websocket'] })
    await using mini = await RawHub.open(`${server.wsUrl}/hubs/chat?access_token=${aliceToken}`, ['websocket']);
    expect(mini.socket.protocol).toBe('websocket');
    mini.socket.send(JSON.stringify({ protocol: 'json', version: 1 }) + '\x1e');
    await mini.next((r) => Object.keys(r).length === 0, 'handshake');
    await using bob = await SignalRUser.start(server.url, bobToken);

    // invoke(method, ...args) → {type:1, target, arguments} with no invocationId
    mini.socket.send(JSON.stringify({ type: 1, target: 'SendMessage', arguments: [{ tempId: 1700000000123, receiverId: 9, messageType: 1, content: '在吗？' }] }) + '\x1e');
    const sent = await mini.next((r) => r.type === 1 && r.target === 'MessageSent');
    expect(sent.arguments[0]).toMatchObject({ tempId: 1700000000123, seq: 1 });
    const received = await bob.next('ReceiveMessage');
    expect(received).toMatchObject({ id: sent.arguments[0].messageId, content: '在吗？', messageType: 1, senderId: 7 });
    expect(mini.records.some((r) => r.type === 3)).toBe(false);

    await bob.invoke('SendMessage', { tempId: 'b1', receiverId: 7, messageType: 1, content: 'hi' });
    const push = await mini.next((r) => r.type === 1 && r.target === 'ReceiveMessage');
    expect(push.arguments[0]).toMatchObject({ content: 'hi', senderId: 9, sessionId: received.sessionId });
    mini.socket.send(JSON.stringify({ type: 1, target: 'MarkAsRead', arguments: [received.sessionId] }) + RS);
    expect(await bob.next('MessagesRead')).toMatchObject({ sessionId: received.sessionId, readerId: 7 });
    // every server message ends with the separator, so split('\x1e') never sees half a record
    expect(mini.rawMessages.every((m) => m.endsWith(RS))).toBe(true);
  });

  it('a resent tempId (after a reconnect) is acknowledged again with MessageSent, and stored once', async () => {
    await using server = await startSignalRServer();
    const aliceToken = await server.token(7, 'Alice');
    await server.token(9, 'Bob');
    const send = (hub: RawHub) =>
      hub.socket.send(JSON.stringify({ type: 1, target: 'SendMessage', arguments: [{ tempId: 1700000000999, receiverId: 9, messageType: 1, content: 'again' }] }) + RS);
    const connect = async () => {
      const hub = await RawHub.open(`${server.wsUrl}/hubs/chat?access_token=${aliceToken}`, ['websocket']);
      hub.socket.send(JSON.stringify({ protocol: 'json', version: 1 }) + RS);
      await hub.next((r) => Object.keys(r).length === 0, 'handshake');
      return hub;
    };
    await using first = await connect();
    send(first);
    const sent = (await first.next((r) => r.type === 1 && r.target === 'MessageSent')).arguments[0];
    // the mini-program did not see the ack (say the socket dropped) and sends the same tempId again
    await using second = await connect();
    send(second);
    const again = (await second.next((r) => r.type === 1 && r.target === 'MessageSent', 'MessageSent for the repeat', 3000)).arguments[0];
    expect(again).toMatchObject({ tempId: 1700000000999, messageId: sent.messageId, sessionId: sent.sessionId, seq: sent.seq, createTime: sent.createTime });
    expect(second.records.some((r) => r.type === 1 && r.target === 'ReceiveMessage')).toBe(false);
    const history = await server.api(aliceToken, 'GET', '/messages/history/9');
    expect(history.body.items).toHaveLength(1);
  });

  it('asking again for a pending exchange shows the pending request, once stored, to a caller without invocationId', async () => {
    await using server = await startSignalRServer();
    const aliceToken = await server.token(7, 'Alice');
    const bobToken = await server.token(9, 'Bob');
    await server.api(aliceToken, 'PUT', '/users/me', { wechatId: 'wx_alice' });
    await server.api(bobToken, 'PUT', '/users/me', { wechatId: 'wx_bob' });
    await using mini = await RawHub.open(`${server.wsUrl}/hubs/chat?access_token=${aliceToken}`, ['websocket']);
    mini.socket.send(JSON.stringify({ protocol: 'json', version: 1 }) + RS);
    await mini.next((r) => Object.keys(r).length === 0, 'handshake');
    const ask = () => mini.socket.send(JSON.stringify({ type: 1, target: 'ExchangeWeChat', arguments: [9] }) + RS);
    // Exchange messages are not the caller's SendMessage: they arrive as ReceiveMessage on every connection.
    const shown = (hub: RawHub) => hub.records.filter((r) => r.type === 1 && r.target === 'ReceiveMessage');
    ask();
    await mini.next(() => shown(mini).length === 1, 'the new request');
    const first = shown(mini)[0].arguments[0];
    expect(first).toMatchObject({ senderId: 7, receiverId: 9, messageType: 4 });
    ask();
    await mini.next(() => shown(mini).length === 2, 'the pending request again', 3000);
    expect(shown(mini)[1].arguments[0]).toMatchObject({ id: first.id, seq: first.seq });
    // Bob asks too: he is shown Alice's pending request, and nothing new is stored.
    await using bob = await RawHub.open(`${server.wsUrl}/hubs/chat?access_token=${bobToken}`, ['websocket']);
    bob.socket.send(JSON.stringify({ protocol: 'json', version: 1 }) + RS);
    await bob.next((r) => Object.keys(r).length === 0, 'handshake');
    bob.socket.send(JSON.stringify({ type: 1, target: 'ExchangeWeChat', arguments: [7] }) + RS);
    await bob.next(() => shown(bob).length === 1, 'the pending request for Bob', 3000);
    expect(shown(bob)[0].arguments[0]).toMatchObject({ id: first.id, senderId: 7, messageType: 4 });
    const history = await server.api(aliceToken, 'GET', '/messages/history/9');
    expect(history.body.items).toHaveLength(1);
  });

  it('skipNegotiation with the official client and access_token in the query', async () => {
    await using server = await startSignalRServer();
    const token = await server.token(7, 'Alice');
    await server.token(9, 'Bob');
    const { HubConnectionBuilder, HttpTransportType } = await import('@microsoft/signalr');
    const { default: WebSocket } = await import('ws');
    const connection = new HubConnectionBuilder()
      .withUrl(`${server.url}/hubs/chat?access_token=${encodeURIComponent(token)}`, nodeHubOptions({ skipNegotiation: true, transport: HttpTransportType.WebSockets }, WebSocket))
      .configureLogging({ log: () => {} })
      .build();
    await connection.start();
    try {
      const result = await connection.invoke('SendMessage', { tempId: 's', receiverId: 9, messageType: 1, content: 'skip' });
      expect(result).toMatchObject({ senderId: 7, content: 'skip' });
    } finally {
      await connection.stop();
    }
  });
});
