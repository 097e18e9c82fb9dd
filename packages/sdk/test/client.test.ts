import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { Message, ReadReceipt } from '@parley/protocol';
import {
  MemoryOutboxStorage,
  ParleyClient,
  miniProgramSocketFactory,
  nodeSocketFactory,
  type MiniProgramSocketApi,
  type OutboxItem,
  type ParleyClientOptions,
  type SocketTask,
} from '../src/index.js';
import { StubServer, waitFor } from './helpers/stub-server.js';

let server: StubServer;
const clients: ParleyClient[] = [];

beforeEach(async () => {
  server = await new StubServer().start();
});
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.disconnect()));
  await server.stop();
});

function makeClient(userId: number, extra: Partial<ParleyClientOptions> = {}) {
  const tokenCalls = { n: 0 };
  const client = new ParleyClient({
    baseUrl: server.baseUrl,
    token: () => {
      tokenCalls.n++;
      return `u${userId}`;
    },
    socketFactory: nodeSocketFactory(WebSocket),
    reconnect: { initialDelayMs: 20, maxDelayMs: 200 },
    heartbeatMs: 0,
    ackTimeoutMs: 2000,
    ...extra,
  });
  clients.push(client);
  const messages: Message[] = [];
  const reads: ReadReceipt[] = [];
  const outbox: OutboxItem[] = [];
  client.on('message', (m) => messages.push(m));
  client.on('read', (r) => reads.push(r));
  client.on('outbox', (i) => outbox.push(i));
  return { client, messages, reads, outbox, tokenCalls };
}

describe('ParleyClient against a stub server', () => {
  it('sends through the outbox, acknowledges by the echo, and delivers each message once to both sides', async () => {
    const a = makeClient(7);
    const b = makeClient(9);
    await a.client.connect();
    await b.client.connect();
    expect(a.client.userId).toBe(7);
    const sent = await a.client.sendText(9, 'hello');
    expect(sent).toMatchObject({ senderId: 7, receiverId: 9, content: 'hello', seq: 1 });
    await waitFor(() => b.messages.length === 1, 15_000, 'b receives');
    expect(a.messages.map((m) => m.id)).toEqual([sent.id]);
    expect(a.outbox.map((i) => i.state)).toEqual(['queued', 'sending', 'sent']);
    expect(a.client.pendingMessages()).toEqual([]);
    // A duplicate push of the same message is dropped.
    server.push(9, '/user/queue/messages', sent);
    await new Promise((r) => setTimeout(r, 50));
    expect(b.messages).toHaveLength(1);
  });

  it('queues while offline and delivers after reconnect; the token provider runs on every connect', async () => {
    const a = makeClient(7);
    const b = makeClient(9);
    await a.client.connect();
    await b.client.connect();
    server.acceptConnections = false;
    server.killAll();
    await waitFor(() => a.client.state === 'reconnecting', 15_000, 'reconnecting');
    const items = await Promise.all([1, 2, 3].map((n) => a.client.send({ receiverId: 9, content: `offline ${n}` })));
    expect(a.client.pendingMessages().map((i) => i.state)).toEqual(['queued', 'queued', 'queued']);
    server.acceptConnections = true;
    a.client.reconnectNow();
    const stored = await Promise.all(items.map((i) => a.client.waitForSent(i.clientMsgId)));
    expect(stored.map((m) => m.seq)).toEqual([1, 2, 3]);
    await waitFor(() => b.messages.length === 3, 15_000, 'b gets all three');
    expect(b.messages.map((m) => m.content)).toEqual(['offline 1', 'offline 2', 'offline 3']);
    expect(a.tokenCalls.n).toBeGreaterThanOrEqual(2);
  });

  it('repairs a dropped push from /sync and applies the later one after it', async () => {
    const b = makeClient(9);
    await b.client.connect();
    server.dropPush = (userId, event) => userId === 9 && event.userSeq === 2;
    for (const n of [1, 2, 3]) server.storeMessage(7, { receiverId: 9, messageType: 'TEXT', content: `m${n}`, clientMsgId: `x${n}` });
    await waitFor(() => b.messages.length === 3, 15_000, 'gap repaired');
    expect(b.messages.map((m) => m.seq)).toEqual([1, 2, 3]);
    expect(b.client.userSeq).toBe(3);
  });

  it('after a reconnect, /sync brings what was missed while away, each once', async () => {
    const b = makeClient(9);
    await b.client.connect();
    server.storeMessage(7, { receiverId: 9, messageType: 'TEXT', content: 'before', clientMsgId: 'y1' });
    await waitFor(() => b.messages.length === 1);
    server.acceptConnections = false;
    server.killAll();
    server.storeMessage(7, { receiverId: 9, messageType: 'TEXT', content: 'while away', clientMsgId: 'y2' });
    server.record(9, 'read', { conversationId: 1, readerId: 7, readUpToSeq: 2 });
    server.acceptConnections = true;
    b.client.reconnectNow();
    await waitFor(() => b.reads.length === 1, 15_000, 'read receipt via sync');
    expect(b.messages.map((m) => m.content)).toEqual(['before', 'while away']);
  });

  it('reports a refused send as failed; retry sends it again; RATE_LIMITED is retried by itself', async () => {
    const a = makeClient(7);
    await a.client.connect();
    let refusals = 0;
    server.refuseSend = (body) => (body.content === 'blocked' ? 'BLOCKED' : body.content === 'busy' && refusals++ < 2 ? 'RATE_LIMITED' : null);
    const busy = await a.client.send({ receiverId: 9, content: 'busy' });
    await expect(a.client.waitForSent(busy.clientMsgId)).resolves.toMatchObject({ content: 'busy' });
    const item = await a.client.send({ receiverId: 9, content: 'blocked' });
    await expect(a.client.waitForSent(item.clientMsgId)).rejects.toMatchObject({ code: 'BLOCKED' });
    expect(a.client.pendingMessages()).toMatchObject([{ state: 'failed', error: { code: 'BLOCKED' } }]);
    server.refuseSend = () => null;
    a.client.retry(item.clientMsgId);
    await expect(a.client.waitForSent(item.clientMsgId)).resolves.toMatchObject({ content: 'blocked' });
  });

  it('rejects invalid content before queueing', async () => {
    const a = makeClient(7);
    await expect(a.client.send({ receiverId: 9, content: '   ' })).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
    await expect(a.client.send({ receiverId: 9, content: 'x'.repeat(5001) })).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
  });

  it('resends an unanswered SEND with the same clientMsgId and stores it once', async () => {
    const a = makeClient(7, { ackTimeoutMs: 100 });
    await a.client.connect();
    server.dropPush = (userId, event) => userId === 7 && event.type === 'message' && event.userSeq === 1;
    const sent = await a.client.sendText(9, 'once');
    expect(server.messages.filter((m) => m.content === 'once')).toHaveLength(1);
    expect(a.messages.map((m) => m.id)).toEqual([sent.id]);
  });

  it('keeps the outbox in its storage across client instances (page reload)', async () => {
    const storage = new MemoryOutboxStorage();
    server.acceptConnections = false;
    const first = makeClient(7, { outboxStorage: storage });
    void first.client.connect().catch(() => undefined);
    await first.client.send({ receiverId: 9, content: 'survives' });
    await first.client.disconnect();
    server.acceptConnections = true;
    const second = makeClient(7, { outboxStorage: storage });
    await second.client.connect();
    await waitFor(() => server.messages.some((m) => m.content === 'survives'), 15_000, 'delivered after reload');
    await waitFor(() => second.client.pendingMessages().length === 0);
  });

  it('sends throttled typing notices', async () => {
    const a = makeClient(7);
    const b = makeClient(9);
    const typing: boolean[] = [];
    b.client.on('typing', (t) => typing.push(t.typing));
    await a.client.connect();
    await b.client.connect();
    a.client.setTyping(9, true);
    a.client.setTyping(9, true);
    a.client.setTyping(9, false);
    await waitFor(() => typing.length === 2);
    expect(typing).toEqual([true, false]);
  });

  it('works over a mini-program SocketTask, one socket per app', async () => {
    const tasks: WebSocket[] = [];
    const api: MiniProgramSocketApi = {
      connectSocket({ url, protocols }) {
        const ws = new WebSocket(url, protocols);
        tasks.push(ws);
        const task: SocketTask = {
          send: ({ data }) => ws.send(data),
          close: ({ code } = {}) => ws.close(code ?? 1000),
          onOpen: (cb) => ws.on('open', () => cb({})),
          onClose: (cb) => ws.on('close', (code, reason) => cb({ code, reason: reason.toString() })),
          onError: (cb) => ws.on('error', (e) => cb({ errMsg: e.message })),
          onMessage: (cb) => ws.on('message', (data) => cb({ data: data.toString() })),
        };
        return task;
      },
    };
    const a = makeClient(7, { socketFactory: miniProgramSocketFactory(api) });
    await a.client.connect();
    const sent = await a.client.sendText(9, 'from a mini-program');
    expect(sent.content).toBe('from a mini-program');
    a.client.dropConnection();
    await waitFor(() => tasks.length === 2 && a.client.state === 'connected', 15_000, 'reconnected');
    expect(tasks[0]?.readyState).toBeGreaterThanOrEqual(WebSocket.CLOSING);
  });

  it('uploads media with progress through fetch in Node', async () => {
    const a = makeClient(7);
    const progress: number[] = [];
    const media = await a.client.uploadMedia(new Blob([new Uint8Array(100)], { type: 'image/png' }), {
      fileName: 'a.png',
      onProgress: (p) => progress.push(p.loaded),
    });
    expect(media.url).toBe('/media/x.png');
    expect(progress.at(-1)).toBe(100);
  });
});
