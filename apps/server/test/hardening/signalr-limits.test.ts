import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { RawHub, RS, SignalRUser, startSignalRServer } from '../support/signalr-client.js';
import { eventually, type TestServer } from '../support/test-app.js';

/**
 * The SignalR door's limits on hostile WebSocket clients: every refusal is a SignalR Close record
 * with a coded error (so @microsoft/signalr stops instead of reconnecting into the same refusal),
 * and a client that stops reading is cut off once its unsent output passes the configured buffer.
 */
describe('SignalR door limits', () => {
  const SEND_BUFFER_BYTES = 64 * 1024;
  let server: TestServer;
  let alice: string;
  let at: string;

  beforeAll(async () => {
    server = await startSignalRServer({ PARLEY_SIGNALR_SEND_BUFFER_BYTES: String(SEND_BUFFER_BYTES) });
    alice = await server.token(7, 'Alice');
    await server.token(9, 'Bob');
    at = `${server.wsUrl}/hubs/chat?access_token=${encodeURIComponent(alice)}`;
  });
  afterAll(() => server?.[Symbol.asyncDispose]());

  const stillServes = async () => {
    await using hub = await RawHub.connect(at);
    hub.send({ type: 1, invocationId: 'alive', target: 'Typing', arguments: [9, false] });
    return await hub.next((r) => r.type === 3 && r.invocationId === 'alive');
  };

  it('answers a WebSocket message over the transport limit with a Close error, not a bare 1009', async () => {
    await using hub = await RawHub.connect(at);
    hub.send('x'.repeat(5 * 1024 * 1024));
    const close = await hub.next((r) => r.type === 7);
    expect(close.error).toMatch(/^PAYLOAD_TOO_LARGE: /);
    expect(close.allowReconnect).toBeUndefined();
    await hub.closed();
    await stillServes();
  });

  it('answers an oversize message before the handshake with a handshake error', async () => {
    await using hub = await RawHub.open(at);
    hub.send('x'.repeat(5 * 1024 * 1024));
    expect((await hub.next((r) => 'error' in r)).error).toMatch(/^PAYLOAD_TOO_LARGE: /);
    await hub.closed();
  });

  it('answers a text frame that is not UTF-8 with a Close error', async () => {
    await using hub = await RawHub.connect(at);
    hub.socket.send(Buffer.from([0x7b, 0xff, 0xfe, 0x7d, 0x1e]), { binary: false });
    expect((await hub.next((r) => r.type === 7)).error).toMatch(/^VALIDATION_FAILED: /);
    await hub.closed();
  });

  it('makes the official client stop for good, without reconnecting, after an oversize message', async () => {
    await using user = await SignalRUser.start(server.url, alice, { reconnectDelays: [0, 0, 0] });
    await expect(user.invoke('SendMessage', { tempId: 'big', receiverId: 9, messageType: 1, content: 'x'.repeat(5 * 1024 * 1024) })).rejects.toThrow();
    await eventually(() => user.closed.length > 0, 'onclose');
    expect(String(user.closed[0])).toMatch(/PAYLOAD_TOO_LARGE/);
    expect(user.reconnecting).toEqual([]);
  });

  it('accepts the handshake protocol name in any case', async () => {
    await using hub = await RawHub.open(at);
    hub.send({ protocol: 'JSON', version: 1 });
    await hub.next((r) => Object.keys(r).length === 0, 'handshake response');
    hub.send({ type: 1, invocationId: '0', target: 'Typing', arguments: [9, true] });
    expect(await hub.next((r) => r.type === 3 && r.invocationId === '0')).toMatchObject({ type: 3, invocationId: '0' });
  });

  it('cuts off a connection that queues more than 256 calls at once, and only that one', async () => {
    await using hub = await RawHub.connect(at);
    const calls = Array.from({ length: 300 }, (_, i) => JSON.stringify({ type: 1, invocationId: String(i), target: 'Typing', arguments: [9, false] }) + RS);
    hub.send(calls.join(''));
    const close = await hub.next((r) => r.type === 7);
    expect(close.error).toMatch(/^RATE_LIMITED: /);
    await hub.closed();
    await stillServes();
  });

  it('closes a connection that stops reading once its unsent output passes PARLEY_SIGNALR_SEND_BUFFER_BYTES', async () => {
    await using hub = await RawHub.connect(at);
    const sessions = () => server.app.registry.sessionsOf(7).size;
    await eventually(() => sessions() === 1, 'the connection to register');
    hub.socket.pause();
    // Each unknown-method call is answered with an error naming the method: about 30 KB of output
    // per call, and no database work. The kernel's socket buffers fill first, then the server's.
    const longName = 'm'.repeat(30_000);
    const batch = Array.from({ length: 16 }, () => JSON.stringify({ type: 1, invocationId: 'x', target: longName, arguments: [] }) + RS).join('');
    let sentBytes = 0;
    while (sessions() > 0 && sentBytes < 200 * 1024 * 1024 && hub.socket.readyState === WebSocket.OPEN) {
      await new Promise<void>((resolve, reject) => hub.socket.send(batch, (error) => (error ? reject(error) : resolve())));
      sentBytes += batch.length;
      await new Promise((resolve) => setImmediate(resolve));
    }
    await eventually(() => sessions() === 0, 'the server to drop the connection');
    hub.socket.resume();
    await hub.closed();
    expect(hub.records.at(-1)).toEqual({ type: 7, allowReconnect: true });
    await stillServes();
  });
});
