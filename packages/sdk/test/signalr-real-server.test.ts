import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Message } from '@parley/protocol';
import { ParleyClient } from '../src/index.js';
import { waitFor } from './helpers/stub-server.js';
import { devToken, FlakyNetwork, ServerProcess, startInProcessServer, type RunningServer } from './helpers/real-server.js';

/**
 * The same checks as real-server.test.ts, with the client speaking the SignalR hub protocol to
 * `/hubs/chat` instead of STOMP: the outbox, dedup, gap repair and resync must not depend on the door.
 */
interface Peer {
  client: ParleyClient;
  net: FlakyNetwork;
  received: Message[];
  reads: number[];
}

function peer(baseUrl: () => string, userId: number, name: string): Peer {
  const net = new FlakyNetwork();
  const client = new ParleyClient({
    baseUrl: baseUrl(),
    transport: 'signalr',
    token: () => devToken(baseUrl(), userId, name),
    socketFactory: net.factory(),
    reconnect: { initialDelayMs: 50, maxDelayMs: 1000 },
    heartbeatMs: 5000,
    ackTimeoutMs: 3000,
  });
  const p: Peer = { client, net, received: [], reads: [] };
  client.on('message', (m) => p.received.push(m));
  client.on('read', (r) => p.reads.push(r.readUpToSeq));
  return p;
}

async function allHistory(client: ParleyClient, peerId: number): Promise<Message[]> {
  const items: Message[] = [];
  let after = 0;
  for (;;) {
    const page = await client.history(peerId, { afterSeq: after, limit: 100 });
    items.push(...page.items);
    if (!page.hasMore || page.items.length === 0) return items;
    after = page.items.at(-1)!.seq;
  }
}

describe('SDK over SignalR against the real server (in process)', () => {
  let server: RunningServer;
  const peers: Peer[] = [];
  beforeAll(async () => {
    server = await startInProcessServer();
  });
  afterEach(async () => {
    await Promise.all(peers.splice(0).map((p) => p.client.disconnect()));
  });
  afterAll(async () => {
    await server?.stop();
  });

  it('text both ways, each message once, read receipts, typing, a recall, a forged gap repaired from /sync', async () => {
    const a = peer(() => server.baseUrl, 301, 'Alice');
    const b = peer(() => server.baseUrl, 302, 'Bob');
    peers.push(a, b);
    const typing: boolean[] = [];
    const recalls: number[] = [];
    b.client.on('typing', (t) => typing.push(t.typing));
    b.client.on('recall', (r) => recalls.push(r.messageId));
    await a.client.connect();
    await b.client.connect();
    expect(a.client.state).toBe('connected');
    await b.client.conversations();
    const first = await a.client.sendText(302, 'hello Bob');
    expect(first).toMatchObject({ seq: 1, senderId: 301, receiverId: 302, messageType: 'TEXT', content: 'hello Bob' });
    await waitFor(() => b.received.length === 1, 30_000, 'b receives');
    expect(b.received[0]).toEqual(first);
    // Drop B's next logged push on the wire: B must notice the gap at the one after and repair it.
    const nextSeq = (b.client.userSeq ?? 0) + 1;
    b.net.dropUserSeqs.add(nextSeq);
    await a.client.sendText(302, 'dropped on the wire');
    await a.client.sendText(302, 'reveals the gap');
    await waitFor(() => b.received.length === 3, 30_000, 'gap repaired');
    expect(b.net.dropped).toEqual([nextSeq]);
    expect(b.received.map((m) => m.content)).toEqual(['hello Bob', 'dropped on the wire', 'reveals the gap']);
    await b.client.sendText(301, 'hi Alice');
    await waitFor(() => a.received.length === 4, 30_000, 'a has all four');
    const result = await b.client.markRead(first.conversationId);
    expect(result).toMatchObject({ conversationId: first.conversationId, readUpToSeq: 4, unreadCount: 0 });
    await waitFor(() => a.reads.includes(result.readUpToSeq), 30_000, 'read receipt to the sender');
    expect(a.received.map((m) => m.seq)).toEqual([1, 2, 3, 4]);
    for (const p of [a, b]) expect(p.net.opened.every((url) => new URL(url).pathname === '/hubs/chat' && url.includes('id='))).toBe(true);
    a.client.setTyping(302, true);
    await waitFor(() => typing.includes(true), 30_000, 'b sees a typing');
    const last = a.received.find((m) => m.content === 'reveals the gap')!;
    const recalled = await a.client.recall(last.id);
    expect(recalled).toMatchObject({ id: last.id, status: 'RECALLED' });
    await waitFor(() => recalls.includes(last.id), 30_000, 'b sees the recall');
  });

  it('a refused send fails its outbox item with the server code; the connection stays up', async () => {
    const a = peer(() => server.baseUrl, 311, 'Ann');
    const b = peer(() => server.baseUrl, 312, 'Ben');
    peers.push(a, b);
    await a.client.connect();
    await b.client.connect();
    await b.client.block(311);
    const item = await a.client.send({ receiverId: 312, content: 'blocked' });
    await expect(a.client.waitForSent(item.clientMsgId)).rejects.toMatchObject({ code: 'BLOCKED' });
    expect(a.client.state).toBe('connected');
  });

  it('a message over the hub record limit (32 KiB) is refused before queueing; one under it is stored; the connection stays up', async () => {
    const a = peer(() => server.baseUrl, 331, 'Abe');
    const b = peer(() => server.baseUrl, 332, 'Bo');
    peers.push(a, b);
    await a.client.connect();
    await b.client.connect();
    const states: string[] = [];
    a.client.on('state', (state) => states.push(state));
    const big = { receiverId: 332, content: 'big', extra: { note: 'x'.repeat(40 * 1024) } };
    await expect(a.client.send(big)).rejects.toMatchObject({ code: 'PAYLOAD_TOO_LARGE' });
    expect(a.client.pendingMessages()).toEqual([]);
    const fits = await a.client.send({ receiverId: 332, content: 'fits', extra: { note: 'y'.repeat(12 * 1024) } });
    const stored = await a.client.waitForSent(fits.clientMsgId);
    await waitFor(() => b.received.some((m) => m.id === stored.id), 30_000, 'b receives the message that fits');
    expect(b.received.find((m) => m.id === stored.id)?.content).toBe('fits');
    expect(states).toEqual([]);
  });

  it('the outbox delivers what was queued while offline, once', async () => {
    const a = peer(() => server.baseUrl, 321, 'Amy');
    const b = peer(() => server.baseUrl, 322, 'Bea');
    peers.push(a, b);
    await a.client.connect();
    await b.client.connect();
    await a.client.conversations();
    await b.client.conversations();
    a.net.offline = true;
    a.net.killSockets();
    await waitFor(() => a.client.state === 'reconnecting', 30_000, 'a offline');
    const queued = [];
    for (let i = 1; i <= 5; i++) queued.push(await a.client.send({ receiverId: 322, content: `queued ${i}` }));
    expect(a.client.pendingMessages()).toHaveLength(5);
    a.net.offline = false;
    a.client.reconnectNow();
    await Promise.all(queued.map((q) => a.client.waitForSent(q.clientMsgId)));
    await waitFor(() => b.received.length === 5, 30_000, 'b receives the queued messages');
    expect(b.received.map((m) => m.content)).toEqual([1, 2, 3, 4, 5].map((i) => `queued ${i}`));
    const history = await allHistory(b.client, 321);
    expect(history.map((m) => m.content)).toEqual(b.received.map((m) => m.content));
  });
});

describe('SDK over SignalR against a server process that is killed and restarted', () => {
  const server = new ServerProcess();
  const peers: Peer[] = [];
  beforeAll(async () => {
    await server.start();
  });
  afterAll(async () => {
    await Promise.all(peers.map((p) => p.client.disconnect()));
    await server.dispose();
  });

  it('after dropped connections both ways and a SIGKILL restart, both clients hold exactly the server state', async () => {
    const a = peer(() => server.baseUrl, 401, 'Ada');
    const b = peer(() => server.baseUrl, 402, 'Bo');
    peers.push(a, b);
    await a.client.connect();
    await b.client.connect();
    await a.client.conversations();
    await b.client.conversations();

    const perSide = 24;
    const sendStream = async (from: Peer, to: number, tag: string) => {
      for (let i = 1; i <= perSide; i++) {
        await from.client.send({ receiverId: to, content: `${tag} ${i}` });
        if (i === 6 && tag === 'a') from.net.killSockets(); // cut A's connection mid-stream
        if (i === 10 && tag === 'b') b.net.killSockets(); // and B's
        if (i === 14 && tag === 'a') {
          await server.kill(); // the whole server, mid-stream
          await new Promise((r) => setTimeout(r, 300));
          await server.start();
        }
        if (i === 18 && tag === 'b') a.client.dropConnection(); // the client itself ends A's socket
        await new Promise((r) => setTimeout(r, 15));
      }
    };
    await Promise.all([sendStream(a, 402, 'a'), sendStream(b, 401, 'b')]);
    await waitFor(() => a.client.pendingMessages().length === 0 && b.client.pendingMessages().length === 0, 90_000, 'both outboxes drained');

    const serverView = await allHistory(a.client, 402);
    expect(serverView).toHaveLength(perSide * 2);
    expect(serverView.map((m) => m.seq)).toEqual(serverView.map((_, i) => i + 1));
    for (const tag of ['a', 'b']) {
      const mine = serverView.filter((m) => m.content.startsWith(`${tag} `)).map((m) => m.content);
      expect(mine).toEqual(Array.from({ length: perSide }, (_, i) => `${tag} ${i + 1}`));
    }
    await waitFor(() => a.received.length === serverView.length && b.received.length === serverView.length, 60_000, 'both clients caught up');
    for (const p of [a, b]) {
      const ids = p.received.map((m) => m.id);
      expect(new Set(ids).size).toBe(ids.length);
      expect([...p.received].sort((x, y) => x.seq - y.seq).map((m) => m.id)).toEqual(serverView.map((m) => m.id));
    }
    // Nothing was read: each side's unread count is what the other sent.
    const [listA, listB] = await Promise.all([a.client.conversations(), b.client.conversations()]);
    expect(listA.items.find((c) => c.peer.id === 402)?.unreadCount).toBe(perSide);
    expect(listB.items.find((c) => c.peer.id === 401)?.unreadCount).toBe(perSide);
  });
});
