import { describe, expect, it } from 'vitest';
import { RawHub, startSignalRServer } from '../support/signalr-client.js';
import { eventually } from '../support/test-app.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Stateful reconnect on the wire (Sequence, Ack, replay, reconnect window). */
describe('SignalR stateful reconnect, raw', () => {
  it('numbers, acks and replays behind a Sequence; drops replayed calls; forgets the id after the window', async () => {
    await using server = await startSignalRServer({}, { ackIntervalMs: 100, statefulReconnectWindowMs: 1500 });
    const [token] = await Promise.all([server.token(7, 'Alice'), server.token(9, 'Bob')]);
    const negotiate = await fetch(`${server.url}/hubs/chat/negotiate?negotiateVersion=1&useStatefulReconnect=true`, { method: 'POST', headers: { authorization: `Bearer ${token}` } });
    const { connectionToken, useStatefulReconnect } = await negotiate.json();
    expect(useStatefulReconnect).toBe(true);
    const at = `${server.wsUrl}/hubs/chat?id=${connectionToken}&access_token=${encodeURIComponent(token)}`;
    const call = (invocationId: string, tempId: string) => ({
      type: 1,
      invocationId,
      target: 'SendMessage',
      arguments: [{ tempId, receiverId: 9, messageType: 1, content: tempId }],
    });

    const first = await RawHub.open(at);
    first.send({ protocol: 'json', version: 2 });
    first.send(call('a', 'first'));
    await first.next((r) => r.type === 3 && r.invocationId === 'a');
    // the server acks the one call it processed
    expect(await first.next((r) => r.type === 8)).toEqual({ type: 8, sequenceId: 1 });
    first.socket.terminate();
    await sleep(100);

    const second = await RawHub.open(at);
    // no handshake: the first record is the Sequence, then MessageSent (1) and the Completion (2), unacked
    await second.next((r) => r.type === 3 && r.invocationId === 'a');
    expect(second.records[0]).toEqual({ type: 9, sequenceId: 1 });
    expect(second.records.slice(1).map((r) => r.type)).toEqual([1, 3]);
    expect(second.records[1].target).toBe('MessageSent');
    second.send({ type: 8, sequenceId: 2 });
    // the client replays its call 1 (already processed) and sends call 2
    second.send({ type: 9, sequenceId: 1 });
    second.send(call('a', 'first'));
    second.send(call('b', 'second'));
    await second.next((r) => r.type === 3 && r.invocationId === 'b');
    await sleep(200);
    expect(second.records.filter((r) => r.type === 3 && r.invocationId === 'a')).toHaveLength(1);
    expect(second.records.find((r) => r.type === 8 && r.sequenceId === 2)).toBeTruthy();
    const history = await server.api(token, 'GET', '/messages/history/9');
    expect(history.body.items.map((m: any) => m.clientMsgId)).toEqual(['first', 'second']);

    // acked records are not replayed again
    second.socket.terminate();
    await sleep(100);
    const third = await RawHub.open(at);
    await third.next((r) => r.type === 9);
    await sleep(100);
    expect(third.records[0]).toEqual({ type: 9, sequenceId: 3 });
    expect(third.records.slice(1).filter((r) => r.type !== 6 && r.type !== 8).map((r) => r.invocationId ?? r.target)).toEqual(['MessageSent', 'b']);

    // after the window the id is gone
    third.socket.terminate();
    await sleep(1800);
    await expect(RawHub.open(at)).rejects.toThrow('HTTP 404');
    await eventually(() => server.app.registry.sessionsOf(7).size === 0, 'connection disposed');
  });

  it('a resume while the old socket still looks open (a half-open drop) takes the connection over', async () => {
    await using server = await startSignalRServer({}, { ackIntervalMs: 100 });
    const token = await server.token(7, 'Alice');
    await server.token(9, 'Bob');
    const negotiate = await fetch(`${server.url}/hubs/chat/negotiate?negotiateVersion=1&useStatefulReconnect=true`, { method: 'POST', headers: { authorization: `Bearer ${token}` } });
    const { connectionToken } = await negotiate.json();
    const at = `${server.wsUrl}/hubs/chat?id=${connectionToken}&access_token=${encodeURIComponent(token)}`;
    const first = await RawHub.open(at);
    first.send({ protocol: 'json', version: 2 });
    first.send({ type: 1, invocationId: 'a', target: 'SendMessage', arguments: [{ tempId: 'half', receiverId: 9, messageType: 1, content: 'half' }] });
    await first.next((r) => r.type === 3 && r.invocationId === 'a');
    await first.next((r) => r.type === 8);
    // the client's network changed: its socket is gone, the server has not noticed yet
    first.socket.pause();
    const second = await RawHub.open(at);
    await second.next((r) => r.type === 3 && r.invocationId === 'a');
    expect(second.records[0]).toEqual({ type: 9, sequenceId: 1 });
    second.send({ type: 9, sequenceId: 2 });
    second.send({ type: 1, invocationId: 'b', target: 'Typing', arguments: [9, false] });
    expect(await second.next((r) => r.type === 3 && r.invocationId === 'b')).toEqual({ type: 3, invocationId: 'b' });
    expect(server.app.registry.sessionsOf(7).size).toBe(1);
    first.socket.terminate();
    await second[Symbol.asyncDispose]();
  });

  it('a clean close or a version-1 handshake disposes the connection at once', async () => {
    await using server = await startSignalRServer();
    const token = await server.token(7, 'Alice');
    const negotiate = async () =>
      (await (await fetch(`${server.url}/hubs/chat/negotiate?negotiateVersion=1&useStatefulReconnect=true`, { method: 'POST', headers: { authorization: `Bearer ${token}` } })).json())
        .connectionToken as string;
    // `close` without a code is what the JS client's transport and browsers send (the server sees 1005)
    for (const [version, end] of [[2, 'close'], [2, 'close without code'], [1, 'terminate']] as const) {
      const at = `${server.wsUrl}/hubs/chat?id=${await negotiate()}&access_token=${encodeURIComponent(token)}`;
      const hub = await RawHub.open(at);
      hub.send({ protocol: 'json', version });
      await hub.next((r) => Object.keys(r).length === 0);
      if (end === 'close') hub.socket.close(1000);
      else if (end === 'close without code') hub.socket.close();
      else hub.socket.terminate();
      await hub.closed();
      await sleep(100);
      await expect(RawHub.open(at)).rejects.toThrow('HTTP 404');
    }
  });
});
