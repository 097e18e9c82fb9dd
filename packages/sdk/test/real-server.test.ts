import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Message } from '@parley/protocol';
import { ParleyClient } from '../src/index.js';
import { waitFor } from './helpers/stub-server.js';
import { devToken, FlakyNetwork, ServerProcess, startInProcessServer, type RunningServer } from './helpers/real-server.js';

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

/** Per conversation, the seqs in the order they were emitted. */
function emittedSeqs(messages: Message[]): number[] {
  return messages.map((m) => m.seq);
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

describe('SDK against the real server (in process)', () => {
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

  it('text both ways, each message once, read receipts, a forged gap repaired from /sync', async () => {
    const a = peer(() => server.baseUrl, 101, 'Alice');
    const b = peer(() => server.baseUrl, 102, 'Bob');
    peers.push(a, b);
    await a.client.connect();
    await b.client.connect();
    await b.client.conversations();
    const first = await a.client.sendText(102, 'hello Bob');
    expect(first.seq).toBe(1);
    await waitFor(() => b.received.length === 1, 30_000, 'b receives');
    // Drop B's next logged push on the wire: B must notice the gap at the one after and repair it.
    const nextSeq = (b.client.userSeq ?? 0) + 1;
    b.net.dropUserSeqs.add(nextSeq);
    await a.client.sendText(102, 'dropped on the wire');
    await a.client.sendText(102, 'reveals the gap');
    await waitFor(() => b.received.length === 3, 30_000, 'gap repaired');
    expect(b.net.dropped).toEqual([nextSeq]);
    expect(b.received.map((m) => m.content)).toEqual(['hello Bob', 'dropped on the wire', 'reveals the gap']);
    await b.client.sendText(101, 'hi Alice');
    await waitFor(() => a.received.length === 4, 30_000, 'a has all four');
    const result = await b.client.markRead(first.conversationId);
    expect(result.unreadCount).toBe(0);
    await waitFor(() => a.reads.includes(result.readUpToSeq), 30_000, 'read receipt to the sender');
    expect(emittedSeqs(a.received)).toEqual([1, 2, 3, 4]);
  });

  it('the outbox delivers what was queued while offline, once', async () => {
    const a = peer(() => server.baseUrl, 111, 'Ann');
    const b = peer(() => server.baseUrl, 112, 'Ben');
    peers.push(a, b);
    await a.client.connect();
    await b.client.connect();
    await a.client.conversations();
    await b.client.conversations();
    a.net.offline = true;
    a.net.killSockets();
    await waitFor(() => a.client.state === 'reconnecting', 30_000, 'a offline');
    const queued = [];
    for (let i = 1; i <= 5; i++) queued.push(await a.client.send({ receiverId: 112, content: `queued ${i}` }));
    expect(a.client.pendingMessages()).toHaveLength(5);
    a.net.offline = false;
    a.client.reconnectNow();
    await Promise.all(queued.map((q) => a.client.waitForSent(q.clientMsgId)));
    await waitFor(() => b.received.length === 5, 30_000, 'b receives the queued messages');
    expect(b.received.map((m) => m.content)).toEqual([1, 2, 3, 4, 5].map((i) => `queued ${i}`));
    const history = await allHistory(b.client, 111);
    expect(history.map((m) => m.content)).toEqual(b.received.map((m) => m.content));
  });

  it('a message too large for one STOMP frame is refused before queueing; the connection stays up', async () => {
    const a = peer(() => server.baseUrl, 131, 'Abe');
    const b = peer(() => server.baseUrl, 132, 'Bea');
    peers.push(a, b);
    await a.client.connect();
    await b.client.connect();
    const errors: string[] = [];
    a.client.on('error', (e) => errors.push(`${e.code} ${e.message}`));
    const states: string[] = [];
    a.client.on('state', (state) => states.push(state));
    const big = { receiverId: 132, content: 'big', extra: { note: 'x'.repeat(70 * 1024) } };
    await expect(a.client.send(big)).rejects.toMatchObject({ code: 'PAYLOAD_TOO_LARGE' });
    expect(a.client.pendingMessages()).toEqual([]);
    const after = await a.client.sendText(132, 'still connected');
    await waitFor(() => b.received.some((m) => m.id === after.id), 30_000, 'b receives the next message');
    expect(states).toEqual([]);
    expect(errors).toEqual([]);
  });

  it('uploads an image with progress and sends it', async () => {
    const a = peer(() => server.baseUrl, 121, 'Amy');
    peers.push(a);
    await a.client.connect();
    // A 1×1 PNG.
    const png = Uint8Array.from(atob('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=='), (c) => c.charCodeAt(0));
    const progress: number[] = [];
    const media = await a.client.uploadMedia(new Blob([png], { type: 'image/png' }), { fileName: 'dot.png', onProgress: (p) => progress.push(p.loaded) });
    expect(media.mime).toBe('image/png');
    expect(progress.length).toBeGreaterThan(0);
    const item = await a.client.send({ receiverId: 101, messageType: 'IMAGE', content: media.url, extra: { width: 1, height: 1, size: media.size, mime: media.mime } });
    await expect(a.client.waitForSent(item.clientMsgId)).resolves.toMatchObject({ messageType: 'IMAGE' });
  });
});

describe('SDK against a server process that is killed and restarted', () => {
  const server = new ServerProcess();
  const peers: Peer[] = [];
  beforeAll(async () => {
    await server.start();
  });
  afterAll(async () => {
    await Promise.all(peers.map((p) => p.client.disconnect()));
    await server.dispose();
  });

  it('after dropped connections and a SIGKILL restart, both clients hold exactly the server state', async () => {
    const a = peer(() => server.baseUrl, 201, 'Ada');
    const b = peer(() => server.baseUrl, 202, 'Bo');
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
        await new Promise((r) => setTimeout(r, 15));
      }
    };
    await Promise.all([sendStream(a, 202, 'a'), sendStream(b, 201, 'b')]);
    await waitFor(() => a.client.pendingMessages().length === 0 && b.client.pendingMessages().length === 0, 90_000, 'both outboxes drained');

    const serverView = await allHistory(a.client, 202);
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
    expect(listA.items.find((c) => c.peer.id === 202)?.unreadCount).toBe(perSide);
    expect(listB.items.find((c) => c.peer.id === 201)?.unreadCount).toBe(perSide);
  });
});
