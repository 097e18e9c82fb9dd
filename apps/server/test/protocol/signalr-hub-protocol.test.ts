import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RawHub, RS, startSignalRServer } from '../support/signalr-client.js';
import type { TestServer } from '../support/test-app.js';

/** The JSON hub protocol on raw WebSockets (handshake, messages, invocations, keep-alive, close). */
describe('SignalR hub protocol, raw', () => {
  let server: TestServer;
  let alice: string;
  let at: string;

  beforeAll(async () => {
    server = await startSignalRServer({}, { handshakeTimeoutMs: 400, keepAliveIntervalMs: 200, clientTimeoutMs: 600 });
    alice = await server.token(7, 'Alice');
    await server.token(9, 'Bob');
    at = `${server.wsUrl}/hubs/chat?access_token=${encodeURIComponent(alice)}`;
  });
  afterAll(() => server?.[Symbol.asyncDispose]());

  /** The server still serves others after a connection failed. */
  const stillServes = async () => {
    await using hub = await RawHub.connect(at);
    hub.send({ type: 1, invocationId: '0', target: 'Typing', arguments: [9, false] });
    return await hub.next((r) => r.type === 3 && r.invocationId === '0');
  };

  it.each([
    ['messagepack', { protocol: 'messagepack', version: 1 }, "The protocol 'messagepack' is not supported."],
    ['version 3', { protocol: 'json', version: 3 }, "The server does not support version 3 of the 'json' protocol."],
    ['an invocation before the handshake', { type: 1, target: 'SendMessage', arguments: [] }, /handshake/],
  ])('answers a handshake with %s with an error record, then closes', async (_name, request, error) => {
    await using hub = await RawHub.open(at);
    hub.send(request);
    const reply = await hub.next((r) => 'error' in r);
    expect(reply.error).toMatch(error);
    await hub.closed();
    await stillServes();
  });

  it('cancels a handshake that never comes', async () => {
    await using hub = await RawHub.open(at);
    expect((await hub.next((r) => 'error' in r)).error).toBe('Handshake was canceled.');
    await hub.closed();
  });

  it('puts the handshake response alone in the first message', async () => {
    await using hub = await RawHub.open(at);
    hub.send(`{"protocol":"json","version":1}${RS}{"type":1,"invocationId":"7","target":"nope","arguments":[]}${RS}`);
    await hub.next((r) => r.type === 3);
    expect(hub.rawMessages[0]).toBe(`{}${RS}`);
    expect(hub.rawMessages.every((m) => m.endsWith(RS))).toBe(true);
  });

  it('handles two records in one message, in order, and matches names in any case', async () => {
    await using hub = await RawHub.connect(at);
    hub.send(
      `{"type":1,"invocationId":"a","target":"sendmessage","arguments":[{"tempId":"r1","receiverId":9,"messageType":1,"content":"one"}]}${RS}` +
        `{"type":1,"invocationId":"b","target":"SENDMESSAGE","arguments":[{"tempId":"r2","receiverId":9,"messageType":1,"content":"two"}]}${RS}`,
    );
    const a = await hub.next((r) => r.type === 3 && r.invocationId === 'a');
    const b = await hub.next((r) => r.type === 3 && r.invocationId === 'b');
    expect(a.result.content).toBe('one');
    expect(b.result.seq).toBe(a.result.seq + 1);
    const sent = hub.records.filter((r) => r.type === 1 && r.target === 'MessageSent');
    expect(sent.map((r) => r.arguments[0].tempId)).toEqual(['r1', 'r2']);
  });

  it('never answers an invocation without id, even for an unknown method; answers an unknown invoke with an error', async () => {
    await using hub = await RawHub.connect(at);
    hub.send({ type: 1, target: 'NoSuchMethod', arguments: [1] });
    hub.send({ type: 1, target: 'SendMessage', arguments: [{ receiverId: 7, messageType: 1, content: 'self' }] });
    hub.send({ type: 1, invocationId: '1', target: 'NoSuchMethod', arguments: [] });
    const completion = await hub.next((r) => r.type === 3);
    expect(completion).toEqual({ type: 3, invocationId: '1', error: "NOT_FOUND: Unknown hub method 'NoSuchMethod'" });
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(hub.records.filter((r) => r.type === 3)).toHaveLength(1);
  });

  it('answers wrong argument counts and types, and stream invocations, with failed completions; the connection stays', async () => {
    await using hub = await RawHub.connect(at);
    const calls: [string, string, unknown[]][] = [
      ['1', 'SendMessage', []],
      ['2', 'SendMessage', [{ receiverId: 'nine', messageType: 1, content: 'x' }]],
      ['3', 'MarkAsRead', ['17']],
      ['4', 'Typing', [9, 'yes']],
      ['5', 'RespondExchange', [1]],
      ['6', 'RecallMessage', [1, 2]],
    ];
    for (const [invocationId, target, args] of calls) hub.send({ type: 1, invocationId, target, arguments: args });
    hub.send({ type: 4, invocationId: '7', target: 'SendMessage', arguments: [] });
    hub.send({ type: 1, invocationId: '8', target: 'Typing', arguments: [9, true], streamIds: ['s1'] });
    for (const id of ['1', '2', '3', '4', '5', '6', '7', '8']) {
      const completion = await hub.next((r) => r.type === 3 && r.invocationId === id);
      expect(completion.error, id).toMatch(/^VALIDATION_FAILED: /);
      expect(completion).not.toHaveProperty('result');
    }
    hub.send({ type: 1, invocationId: '9', target: 'Typing', arguments: [9, false] });
    expect(await hub.next((r) => r.type === 3 && r.invocationId === '9')).toEqual({ type: 3, invocationId: '9' });
    expect(hub.closeCode).toBeNull();
  });

  it.each([
    ['broken JSON', `{"type":1,${RS}`],
    ['a record that is not an object', `[1,2]${RS}`],
    ['an invocation without target', `{"type":1,"arguments":[]}${RS}`],
    ['a record over 32 KiB', `{"type":1,"target":"Typing","arguments":["${'x'.repeat(33 * 1024)}"]}${RS}`],
    ['an endless record without separator', 'x'.repeat(40 * 1024)],
  ])('closes with an error for %s, and only that connection', async (_name, bytes) => {
    await using other = await RawHub.connect(at);
    await using hub = await RawHub.connect(at);
    hub.send(bytes);
    const close = await hub.next((r) => r.type === 7);
    expect(close.error).toMatch(/^(VALIDATION_FAILED|PAYLOAD_TOO_LARGE): /);
    expect(close).not.toHaveProperty('allowReconnect');
    expect(await hub.closed()).toBe(1000);
    other.send({ type: 1, invocationId: '0', target: 'Typing', arguments: [9, false] });
    await other.next((r) => r.type === 3);
  });

  it('waits for the rest of a record split across messages', async () => {
    await using hub = await RawHub.connect(at);
    hub.send('{"type":1,"invocationId":"s","targ');
    hub.send('et":"Typing","arguments":[9,false]}');
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(hub.records.some((r) => r.type === 3)).toBe(false);
    hub.send(RS);
    expect(await hub.next((r) => r.type === 3)).toEqual({ type: 3, invocationId: 's' });
  });

  it('pings an idle client and drops one that goes silent after its first ping', async () => {
    await using hub = await RawHub.connect(at);
    await hub.next((r) => r.type === 6, 'server ping', 2000);
    hub.send({ type: 6 });
    const started = Date.now();
    const close = await hub.next((r) => r.type === 7, 'timeout close', 3000);
    expect(close.error).toMatch(/timeout/i);
    expect(Date.now() - started).toBeGreaterThanOrEqual(500);
    await hub.closed();

    // a client that keeps pinging stays
    await using alive = await RawHub.connect(at);
    for (let i = 0; i < 6; i++) {
      alive.send({ type: 6 });
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    expect(alive.closeCode).toBeNull();
  });

  it('ignores unknown message types and fields; stream items and cancels are harmless', async () => {
    await using hub = await RawHub.connect(at);
    hub.send({ type: 99, whatever: true });
    hub.send({ type: 2, invocationId: 'x', item: 1 });
    hub.send({ type: 5, invocationId: 'x' });
    hub.send({ type: 1, invocationId: 'z', target: 'Typing', arguments: [9, false], headers: { a: 'b' }, extra: 1 });
    expect(await hub.next((r) => r.type === 3)).toEqual({ type: 3, invocationId: 'z' });
  });

  it('ends a connection on the client Close message', async () => {
    await using hub = await RawHub.connect(at);
    await new Promise((resolve) => setTimeout(resolve, 50));
    const before = server.app.registry.sessionsOf(7).size;
    hub.send({ type: 7 });
    await hub.closed();
    expect(server.app.registry.sessionsOf(7).size).toBe(before - 1);
  });
});
