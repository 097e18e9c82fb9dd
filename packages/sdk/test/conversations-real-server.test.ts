import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { ConversationChange, HideNotice, Message, ReactionNotice, SyncEvent } from '@parley/protocol';
import { ChatCache, ParleyClient, type ParleyError } from '../src/index.js';
import { waitFor } from './helpers/stub-server.js';
import { devToken, FlakyNetwork, startInProcessServer, type RunningServer } from './helpers/real-server.js';

/**
 * The operations on messages and conversations (edit, reply, react, hide, pin/mute/archive,
 * clear, unmatch, report), the safety refusals and a ban, through the SDK against the real server,
 * once over STOMP and once over SignalR: each change reaches the peer and my other device as its
 * event, `/sync` replays what a device missed, and a ChatCache fed by the events ends equal to
 * what REST reads.
 */
const ADMIN_TOKEN = 'sdk-test-admin-token';

interface Device {
  client: ParleyClient;
  net: FlakyNetwork;
  cache: ChatCache;
  updates: SyncEvent[];
  edits: Message[];
  reactions: ReactionNotice[];
  hides: HideNotice[];
  changes: ConversationChange[];
  banned: ParleyError[];
}

async function admin(baseUrl: string, method: string, path: string, body?: unknown): Promise<unknown> {
  const res = await fetch(`${baseUrl}${path}`, {
    method,
    headers: { authorization: `Bearer ${ADMIN_TOKEN}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
  return res.status === 204 ? null : res.json();
}

async function fullHistory(client: ParleyClient, peerId: number): Promise<Message[]> {
  const items: Message[] = [];
  let after = 0;
  for (;;) {
    const page = await client.history(peerId, { afterSeq: after, limit: 100 });
    items.push(...page.items);
    if (!page.hasMore || page.items.length === 0) return items;
    after = page.items.at(-1)!.seq;
  }
}

/** The parts of a message a view shows; what REST reads and what the cache holds must agree on them. */
const shown = (m: Message) => ({
  id: m.id,
  seq: m.seq,
  content: m.content,
  status: m.status,
  isRead: m.isRead,
  editedAt: m.editedAt,
  replyTo: m.replyTo,
  reactions: m.reactions,
});

describe.each(['stomp', 'signalr'] as const)('SDK operations over %s against the real server', (transport) => {
  let server: RunningServer;
  const devices: Device[] = [];
  // Distinct users per transport, so that the two runs never share a conversation.
  const base = transport === 'stomp' ? 5000 : 6000;

  beforeAll(async () => {
    server = await startInProcessServer({
      PARLEY_ADMIN_TOKEN: ADMIN_TOKEN,
      PARLEY_CONTACT_GUARD: 'block',
      PARLEY_FIRST_CONTACT_LIMIT: '2',
    });
  });
  afterEach(async () => {
    await Promise.all(devices.splice(0).map((d) => d.client.disconnect()));
  });
  afterAll(async () => {
    await server?.stop();
  });

  function device(userId: number, name: string): Device {
    const net = new FlakyNetwork();
    const client = new ParleyClient({
      baseUrl: server.baseUrl,
      transport,
      token: () => devToken(server.baseUrl, userId, name),
      socketFactory: net.factory(),
      reconnect: { initialDelayMs: 50, maxDelayMs: 1000 },
      heartbeatMs: 5000,
      ackTimeoutMs: 3000,
      operationRetry: { backoff: { initialDelayMs: 50, maxDelayMs: 200 } },
    });
    const d: Device = { client, net, cache: new ChatCache(), updates: [], edits: [], reactions: [], hides: [], changes: [], banned: [] };
    d.cache.attach(client);
    client.on('update', (event) => d.updates.push(event));
    client.on('edit', (m) => d.edits.push(m));
    client.on('reaction', (r) => d.reactions.push(r));
    client.on('hide', (h) => d.hides.push(h));
    client.on('conversation', (c) => d.changes.push(c));
    client.on('banned', (e) => d.banned.push(e));
    devices.push(d);
    return d;
  }

  /** Starts a device the way an app does: the list and the history it shows, then the connection. */
  async function open(d: Device, peerId: number): Promise<void> {
    const list = await d.client.conversations();
    d.cache.loadConversations(list.items);
    d.cache.loadHistory(await fullHistory(d.client, peerId));
    await d.client.connect();
  }

  it('edit, reply, react, hide, settings: seen by the peer and my other device; a device that was away catches up through /sync and holds what REST reads', async () => {
    const [alice, bob] = [base + 1, base + 2];
    const a1 = device(alice, 'Alice');
    const b = device(bob, 'Bob');
    await a1.client.connect();
    await b.client.connect();
    const hello = await a1.client.sendText(bob, 'hello Bob');
    const answer = await b.client.sendText(alice, 'hi Alice');
    const a2 = device(alice, 'Alice');
    await open(a2, bob);

    // A reply carries a snapshot of what it quotes.
    const reply = await b.client.send({ receiverId: alice, content: 'about that', replyToId: hello.id });
    const stored = await b.client.waitForSent(reply.clientMsgId);
    expect(stored.replyTo).toMatchObject({ id: hello.id, seq: hello.seq, senderId: alice, messageType: 'TEXT', preview: 'hello Bob' });

    const edited = await a1.client.edit(hello.id, 'hello Bob (edited)');
    expect(edited).toMatchObject({ id: hello.id, content: 'hello Bob (edited)' });
    expect(edited.editedAt).not.toBeNull();
    await b.client.react(hello.id, '👍');
    for (const d of [b, a2]) await waitFor(() => d.edits.some((m) => m.id === hello.id) && d.reactions.some((r) => r.emoji === '👍'), 30_000, 'edit and reaction seen');
    expect(a2.edits.find((m) => m.id === hello.id)?.content).toBe('hello Bob (edited)');

    // a2 goes away; meanwhile the others change things.
    a2.net.offline = true;
    a2.net.killSockets();
    await waitFor(() => a2.client.state === 'reconnecting', 30_000, 'a2 offline');
    const conversationId = hello.conversationId;
    const hidden = await a1.client.hide(answer.id);
    expect(hidden).toMatchObject({ conversationId, messageId: answer.id });
    const settings = await a1.client.updateConversation(conversationId, { pinned: true, muted: true });
    expect(settings).toMatchObject({ conversationId, pinned: true, muted: true, archived: false });
    await b.client.react(hello.id, '❤️');
    await a1.client.react(stored.id, '😂');
    await a1.client.react(stored.id, null);
    await a1.client.edit(hello.id, 'hello Bob (edited twice)');
    const late = await b.client.sendText(alice, 'while you were away');
    // The hide is mine: the peer never hears of it.
    await waitFor(() => a1.hides.some((h) => h.messageId === answer.id), 30_000, 'my other connected device hears of the hide');
    expect(b.hides).toEqual([]);

    a2.net.offline = false;
    a2.client.reconnectNow();
    await waitFor(() => a2.cache.message(late.id) !== undefined, 30_000, 'a2 caught up');

    // Each change once, in update order.
    const seqs = a2.updates.map((e) => e.userSeq);
    expect(seqs).toEqual([...seqs].sort((x, y) => x - y));
    expect(new Set(seqs).size).toBe(seqs.length);

    // The cache fed by events equals what REST reads now.
    const restView = await fullHistory(a2.client, bob);
    expect(restView.map((m) => m.id)).not.toContain(answer.id);
    expect(a2.cache.messages(conversationId).map(shown)).toEqual(restView.map(shown));
    const row = (await a2.client.conversations()).items.find((c) => c.id === conversationId);
    expect(row).toMatchObject({ pinned: true, muted: true, archived: false });
    expect(a2.cache.conversation(conversationId)).toMatchObject({ pinned: true, muted: true, archived: false });
    expect(a2.cache.message(hello.id)?.reactions).toEqual([{ emoji: '❤️', userIds: [bob] }]);
  });

  it('clear for me, archive, unread total, search and read-receipt settings', async () => {
    const [carol, dan] = [base + 11, base + 12];
    const c = device(carol, 'Carol');
    const d = device(dan, 'Dan');
    await c.client.connect();
    await d.client.connect();
    await c.client.sendText(dan, '明天见面好吗');
    await d.client.sendText(carol, '没有信号了，晚点说');
    const before = await d.client.sendText(carol, 'second line');
    expect(await c.client.unreadTotal()).toBe(2);

    const found = await c.client.search('信号');
    expect(found.items.map((hit) => hit.message.content)).toEqual(['没有信号了，晚点说']);
    expect(found.items[0]).toMatchObject({ conversationId: before.conversationId, peer: { id: dan } });

    // Carol's second device holds the chat, then is away while she clears and archives it.
    const c2 = device(carol, 'Carol');
    await open(c2, dan);
    expect(c2.cache.messages(before.conversationId)).toHaveLength(3);
    c2.net.offline = true;
    c2.net.killSockets();
    await waitFor(() => c2.client.state === 'reconnecting', 30_000, 'c2 offline');

    const cleared = await c.client.clearConversation(before.conversationId);
    expect(cleared).toMatchObject({ conversationId: before.conversationId, clearedUpToSeq: before.seq });
    expect((await c.client.history(dan)).items).toEqual([]);
    expect(await c.client.unreadTotal()).toBe(0);
    await waitFor(() => c.changes.some((ch) => ch.clearedUpToSeq === before.seq), 30_000, 'clear event');

    const after = await d.client.sendText(carol, 'after the clear');
    expect((await c.client.history(dan)).items.map((m) => m.id)).toEqual([after.id]);
    await c.client.updateConversation(after.conversationId, { archived: true });
    expect((await c.client.conversations()).items.map((i) => i.id)).not.toContain(after.conversationId);
    expect((await c.client.conversations({ archived: true })).items.map((i) => i.id)).toContain(after.conversationId);

    c2.net.offline = false;
    c2.client.reconnectNow();
    await waitFor(() => c2.cache.conversation(after.conversationId)?.archived === true, 30_000, 'c2 caught up');
    expect(c2.cache.messages(after.conversationId).map(shown)).toEqual((await fullHistory(c2.client, dan)).map(shown));
    expect(c2.cache.conversation(after.conversationId)).toMatchObject({ archived: true, clearedUpToSeq: before.seq });

    // A CUSTOM message: the host app's object in extra, the fallback text as content, on either door.
    const seenByDan = new Promise<Message>((resolve) => d.client.on('message', (m) => m.messageType === 'CUSTOM' && resolve(m)));
    const card = await c.client.send({ receiverId: dan, messageType: 'CUSTOM', content: '[Date invitation]', extra: { kind: 'date', place: '外滩' } });
    await expect(c.client.waitForSent(card.clientMsgId)).resolves.toMatchObject({ messageType: 'CUSTOM', extra: { kind: 'date', place: '外滩' } });
    expect(await seenByDan).toMatchObject({ messageType: 'CUSTOM', content: '[Date invitation]', extra: { kind: 'date', place: '外滩' } });

    expect(await c.client.settings()).toMatchObject({ readReceipts: true });
    expect(await c.client.updateSettings({ readReceipts: false })).toMatchObject({ readReceipts: false });
    expect(await c.client.settings()).toMatchObject({ readReceipts: false });
  });

  it('safety: contact details and the first-contact limit fail the send for good, a report is stored, an unmatch ends the conversation for both', async () => {
    const [erin, frank] = [base + 21, base + 22];
    const e = device(erin, 'Erin');
    const f = device(frank, 'Frank');
    await e.client.connect();
    await f.client.connect();

    const phone = await e.client.send({ receiverId: frank, content: '加我微信 wxid_abc12345' });
    // The STOMP error push carries the reason; the hub's error text is "CODE: message" only.
    const refusal = transport === 'stomp' ? { code: 'CONTENT_REJECTED', reason: 'CONTACT_INFO' } : { code: 'CONTENT_REJECTED' };
    await expect(e.client.waitForSent(phone.clientMsgId)).rejects.toMatchObject(refusal);
    const first = await e.client.sendText(frank, 'hello');
    await e.client.sendText(frank, 'are you there?');
    const third = await e.client.send({ receiverId: frank, content: 'hello??' });
    await expect(e.client.waitForSent(third.clientMsgId)).rejects.toMatchObject({ code: 'AWAITING_REPLY' });
    expect(e.client.pendingMessages().map((i) => [i.error?.code, i.attempts])).toEqual([
      ['CONTENT_REJECTED', 1],
      ['AWAITING_REPLY', 1],
    ]);

    const report = await f.client.report(erin, 'SPAM', { messageIds: [first.id], note: 'keeps writing' });
    expect(report).toMatchObject({ reporterId: frank, userId: erin, reason: 'SPAM', status: 'OPEN' });

    // Erin's second device holds the chat and is away during the unmatch: /sync tells it afterwards.
    const e2 = device(erin, 'Erin');
    await open(e2, frank);
    expect(e2.cache.messages(first.conversationId)).toHaveLength(2);
    e2.net.offline = true;
    e2.net.killSockets();
    await waitFor(() => e2.client.state === 'reconnecting', 30_000, 'e2 offline');

    const unmatched = await f.client.unmatch(first.conversationId);
    expect(unmatched).toMatchObject({ conversationId: first.conversationId, state: 'UNMATCHED' });
    for (const side of [e, f]) await waitFor(() => side.changes.some((ch) => ch.state === 'UNMATCHED'), 30_000, 'both sides hear of the unmatch');
    expect((await e.client.conversations()).items.map((i) => i.id)).not.toContain(first.conversationId);
    e2.net.offline = false;
    e2.client.reconnectNow();
    await waitFor(() => e2.changes.some((ch) => ch.state === 'UNMATCHED'), 30_000, 'e2 hears of the unmatch through /sync');
    expect(e2.cache.conversationIds()).not.toContain(first.conversationId);
    expect((await e2.client.history(frank)).items).toEqual([]);
    const blocked = await f.client.send({ receiverId: erin, content: 'one more' });
    await expect(f.client.waitForSent(blocked.clientMsgId)).rejects.toMatchObject({ code: 'BLOCKED' });
  });

  it('a muted user gets USER_MUTED; a banned user is disconnected, not reconnected, and told why', async () => {
    const [gus, hana] = [base + 31, base + 32];
    const g = device(gus, 'Gus');
    const h = device(hana, 'Hana');
    await g.client.connect();
    await h.client.connect();
    await h.client.sendText(gus, 'hi Gus');

    await admin(server.baseUrl, 'PUT', `/admin/users/${gus}/restriction`, { kind: 'MUTE', reason: 'spam' });
    const muted = await g.client.send({ receiverId: hana, content: 'can I talk?' });
    await expect(g.client.waitForSent(muted.clientMsgId)).rejects.toMatchObject({ code: 'USER_MUTED' });
    expect(g.client.state).toBe('connected');

    await admin(server.baseUrl, 'PUT', `/admin/users/${gus}/restriction`, { kind: 'BAN', reason: 'scam' });
    await waitFor(() => g.client.state === 'closed', 30_000, 'the ban closes the connection');
    expect(g.banned.map((err) => err.code)).toEqual(['USER_BANNED']);
    const opened = g.net.opened.length;
    await new Promise((r) => setTimeout(r, 500));
    expect(g.net.opened.length).toBe(opened);
    await expect(g.client.connect()).rejects.toMatchObject({ code: 'USER_BANNED' });

    await admin(server.baseUrl, 'DELETE', `/admin/users/${gus}/restriction`);
    await g.client.connect();
    expect(g.client.state).toBe('connected');
  });
});
