import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { Message, SyncEvent } from '@parley/protocol';
import { ChatCache, nodeSocketFactory, ParleyClient, ParleyError, type ParleyClientOptions } from '../src/index.js';
import { OperationRunner, type Operation } from '../src/operation-runner.js';
import { hubError } from '../src/signalr-connection.js';
import { StubServer, waitFor } from './helpers/stub-server.js';

describe('typed safety errors', () => {
  it('carry the reason of CONTENT_REJECTED from a REST body, a STOMP error push and a SignalR error text', () => {
    const rest = ParleyError.fromBody({ error: { code: 'CONTENT_REJECTED', message: 'contact details', reason: 'CONTACT_INFO' } }, 422);
    expect(rest).toMatchObject({ code: 'CONTENT_REJECTED', reason: 'CONTACT_INFO', transient: false });
    const push = ParleyError.fromBody({ code: 'CONTENT_REJECTED', message: 'refused by the hook', reason: 'HOOK', clientMsgId: 'c-1', destination: '/app/chat.send' });
    expect(push).toMatchObject({ code: 'CONTENT_REJECTED', reason: 'HOOK', details: { clientMsgId: 'c-1' } });
    expect(hubError('CONTENT_REJECTED: WORDLIST: the text holds a blocked word')).toMatchObject({ code: 'CONTENT_REJECTED', reason: 'WORDLIST' });
    expect(ParleyError.fromBody({ error: { code: 'CONTENT_REJECTED', message: 'x', reason: 'SOMETHING_ELSE' } }, 422).reason).toBeUndefined();
    for (const code of ['AWAITING_REPLY', 'USER_MUTED', 'USER_BANNED', 'EDIT_WINDOW_PASSED', 'REPORT_NOT_FOUND'] as const) {
      expect(ParleyError.fromBody({ error: { code, message: code } }, 403)).toMatchObject({ code, transient: false });
    }
  });
});

describe('checks before anything goes out', () => {
  const client = new ParleyClient({ baseUrl: 'http://127.0.0.1:9', token: () => 'unused', socketFactory: nodeSocketFactory(WebSocket) });

  it('refuses a CUSTOM message without fallback text or extra object, or with an extra over 8 KB, and a reaction over 16 characters', async () => {
    await expect(client.send({ receiverId: 2, messageType: 'CUSTOM', content: ' ', extra: { a: 1 } })).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
    await expect(client.send({ receiverId: 2, messageType: 'CUSTOM', content: 'x'.repeat(201), extra: { a: 1 } })).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
    await expect(client.send({ receiverId: 2, messageType: 'CUSTOM', content: '[gift]' })).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
    await expect(client.send({ receiverId: 2, messageType: 'CUSTOM', content: '[gift]', extra: { blob: 'x'.repeat(9000) } })).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
    const custom = await client.send({ receiverId: 2, messageType: 'CUSTOM', content: '[gift]', extra: { kind: 'gift', id: 7 } });
    expect(custom.body).toMatchObject({ messageType: 'CUSTOM', extra: { kind: 'gift', id: 7 } });
    await expect(client.react(1, '👍'.repeat(17))).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
    await expect(client.edit(1, '   ')).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
  });
});

describe('OperationRunner', () => {
  const fast = { backoff: { initialDelayMs: 1, maxDelayMs: 2 } };
  const failing = (codes: Array<ParleyError['code']>, idempotent: boolean) => {
    let calls = 0;
    const operation: Operation<string> = {
      name: 'op',
      idempotent,
      rest: () => {
        const code = codes[calls++];
        return code ? Promise.reject(new ParleyError(code, code, code === 'RATE_LIMITED' ? { retryAfterMs: 1 } : {})) : Promise.resolve('done');
      },
    };
    return { operation, calls: () => calls };
  };

  it('repeats transient failures until the operation succeeds', async () => {
    const { operation, calls } = failing(['UNAVAILABLE', 'RATE_LIMITED', 'NETWORK'], true);
    await expect(new OperationRunner(() => null, fast).run(operation)).resolves.toBe('done');
    expect(calls()).toBe(4);
  });

  it('rejects at once on a refusal: the same request would be refused again', async () => {
    for (const code of ['CONTENT_REJECTED', 'EDIT_WINDOW_PASSED', 'USER_MUTED', 'FORBIDDEN'] as const) {
      const { operation, calls } = failing([code], true);
      await expect(new OperationRunner(() => null, fast).run(operation)).rejects.toMatchObject({ code });
      expect(calls()).toBe(1);
    }
  });

  it('does not repeat a report whose answer was lost (it may be stored), but does when the server said nothing was stored', async () => {
    const lost = failing(['NETWORK'], false);
    await expect(new OperationRunner(() => null, fast).run(lost.operation)).rejects.toMatchObject({ code: 'NETWORK' });
    expect(lost.calls()).toBe(1);
    const unavailable = failing(['UNAVAILABLE'], false);
    await expect(new OperationRunner(() => null, fast).run(unavailable.operation)).resolves.toBe('done');
  });

  it('gives up after maxAttempts with the last error', async () => {
    const { operation, calls } = failing(['UNAVAILABLE', 'UNAVAILABLE', 'UNAVAILABLE'], true);
    await expect(new OperationRunner(() => null, { ...fast, maxAttempts: 2 }).run(operation)).rejects.toMatchObject({ code: 'UNAVAILABLE' });
    expect(calls()).toBe(2);
  });
});

describe('ChatCache', () => {
  const message = (id: number, seq: number, senderId = 1, receiverId = 2): Message => ({
    id, conversationId: 5, seq, senderId, receiverId, messageType: 'TEXT', content: `m${seq}`, extra: null, status: 'NORMAL',
    isRead: false, clientMsgId: null, createdAt: '2026-01-01T00:00:00.000Z', editedAt: null, replyTo: null, reactions: [],
  });

  it('applies every kind of change once, whatever order of repeats', () => {
    const cache = new ChatCache();
    cache.loadHistory([message(11, 1), message(12, 2, 2, 1)]);
    const events: SyncEvent[] = [
      { userSeq: 1, type: 'message', data: message(13, 3) },
      { userSeq: 2, type: 'edit', data: { ...message(11, 1), content: 'edited', editedAt: '2026-01-01T00:01:00.000Z' } },
      { userSeq: 3, type: 'reaction', data: { conversationId: 5, messageId: 12, seq: 2, userId: 1, emoji: '👍', reactions: [{ emoji: '👍', userIds: [1] }] } },
      { userSeq: 4, type: 'read', data: { conversationId: 5, readerId: 2, readUpToSeq: 3 } },
      { userSeq: 5, type: 'recall', data: { conversationId: 5, messageId: 13, seq: 3 } },
    ];
    for (const event of [...events, ...events]) cache.apply(event);
    expect(cache.messages(5).map((m) => [m.id, m.content, m.status, m.isRead, m.editedAt !== null, m.reactions.length])).toEqual([
      [11, 'edited', 'NORMAL', true, true, 0],
      [12, 'm2', 'NORMAL', false, false, 1],
      [13, '', 'RECALLED', true, false, 0],
    ]);
  });

  it('hides a message for good, clears up to a seq (also what a later page load brings), and forgets an unmatched conversation', () => {
    const cache = new ChatCache();
    cache.loadHistory([message(11, 1), message(12, 2), message(13, 3)]);
    cache.apply({ userSeq: 1, type: 'hide', data: { conversationId: 5, messageId: 13, seq: 3 } });
    cache.loadHistory([message(13, 3)]);
    expect(cache.messages(5).map((m) => m.id)).toEqual([11, 12]);
    cache.apply({ userSeq: 2, type: 'conversation', data: { conversationId: 5, pinned: true, muted: false, archived: false } });
    cache.apply({ userSeq: 3, type: 'conversation', data: { conversationId: 5, clearedUpToSeq: 2 } });
    cache.loadHistory([message(11, 1), message(14, 4)]);
    expect(cache.messages(5).map((m) => m.id)).toEqual([14]);
    expect(cache.conversation(5)).toMatchObject({ pinned: true, muted: false, archived: false, clearedUpToSeq: 2 });
    cache.apply({ userSeq: 4, type: 'conversation', data: { conversationId: 5, state: 'UNMATCHED' } });
    expect(cache.messages(5)).toEqual([]);
    expect(cache.conversationIds()).toEqual([]);
  });

  it('brings an archived conversation back with a new message unless it is muted, as the server does; a repeat changes nothing', () => {
    const cache = new ChatCache();
    cache.apply({ userSeq: 1, type: 'message', data: message(11, 1) });
    cache.apply({ userSeq: 2, type: 'conversation', data: { conversationId: 5, archived: true } });
    cache.apply({ userSeq: 1, type: 'message', data: message(11, 1) });
    expect(cache.conversation(5)).toMatchObject({ archived: true });
    cache.apply({ userSeq: 3, type: 'message', data: message(12, 2, 2, 1) });
    expect(cache.conversation(5)).toMatchObject({ archived: false });
    cache.apply({ userSeq: 4, type: 'conversation', data: { conversationId: 5, archived: true, muted: true } });
    cache.apply({ userSeq: 5, type: 'message', data: message(13, 3, 2, 1) });
    expect(cache.conversation(5)).toMatchObject({ archived: true, muted: true });
  });

  it('ignores an edit of a message it never loaded, so the history keeps no holes', () => {
    const cache = new ChatCache();
    cache.loadHistory([message(20, 9)]);
    cache.apply({ userSeq: 1, type: 'edit', data: { ...message(3, 1), content: 'old one edited' } });
    expect(cache.messages(5).map((m) => m.id)).toEqual([20]);
  });
});

describe('ParleyClient against a stub server: safety refusals', () => {
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
    const client = new ParleyClient({
      baseUrl: server.baseUrl,
      token: () => `u${userId}`,
      socketFactory: nodeSocketFactory(WebSocket),
      reconnect: { initialDelayMs: 20, maxDelayMs: 200 },
      heartbeatMs: 0,
      ackTimeoutMs: 2000,
      ...extra,
    });
    clients.push(client);
    return client;
  }

  it('fails CONTENT_REJECTED, AWAITING_REPLY and USER_MUTED sends for good, with their reason, and sends nothing again', async () => {
    const a = makeClient(7);
    await a.connect();
    server.refuseSend = (body) => {
      if (body.content === 'my number 13800138000') return { code: 'CONTENT_REJECTED', reason: 'CONTACT_INFO' };
      if (body.content === 'third message') return 'AWAITING_REPLY';
      if (body.content === 'while muted') return 'USER_MUTED';
      return null;
    };
    const rejected = await a.send({ receiverId: 9, content: 'my number 13800138000' });
    await expect(a.waitForSent(rejected.clientMsgId)).rejects.toMatchObject({ code: 'CONTENT_REJECTED', reason: 'CONTACT_INFO' });
    const awaiting = await a.send({ receiverId: 9, content: 'third message' });
    await expect(a.waitForSent(awaiting.clientMsgId)).rejects.toMatchObject({ code: 'AWAITING_REPLY' });
    const muted = await a.send({ receiverId: 9, content: 'while muted' });
    await expect(a.waitForSent(muted.clientMsgId)).rejects.toMatchObject({ code: 'USER_MUTED' });
    expect(a.pendingMessages().map((i) => [i.state, i.attempts, i.error?.code, i.error?.reason])).toEqual([
      ['failed', 1, 'CONTENT_REJECTED', 'CONTACT_INFO'],
      ['failed', 1, 'AWAITING_REPLY', undefined],
      ['failed', 1, 'USER_MUTED', undefined],
    ]);
    // A later message still goes out; the failed ones are not written again behind it.
    await a.sendText(9, 'fine');
    const sends = server.frames.filter((f) => f.startsWith('SEND') && f.includes('destination:/app/chat.send'));
    expect(sends).toHaveLength(4);
  });

  it('a ban ends the session: no reconnect, state closed, the banned event, and connect() refuses until it is lifted', async () => {
    const a = makeClient(7);
    const banned: ParleyError[] = [];
    a.on('banned', (e) => banned.push(e));
    await a.connect();
    // Held back by the rate limit, so it is still queued when the ban comes.
    server.refuseSend = () => 'RATE_LIMITED';
    await a.send({ receiverId: 9, content: 'queued before the ban' });
    const connectsBefore = server.connects;
    server.ban(7);
    await waitFor(() => a.state === 'closed', 10_000, 'closed after the ban');
    expect(banned.map((e) => e.code)).toEqual(['USER_BANNED']);
    expect(a.closedReason?.code).toBe('USER_BANNED');
    await new Promise((r) => setTimeout(r, 300));
    expect(server.connects).toBe(connectsBefore);
    // The outbox keeps what was queued for a later session.
    expect(a.pendingMessages()).toHaveLength(1);
    await expect(a.connect()).rejects.toMatchObject({ code: 'USER_BANNED' });
    expect(a.state).toBe('closed');

    server.banned.delete(7);
    server.refuseSend = () => null;
    await a.connect();
    expect(a.closedReason).toBeNull();
    await waitFor(() => a.pendingMessages().length === 0, 10_000, 'queued message sent after the ban was lifted');
  });

  it('a user banned before connecting: connect() rejects with USER_BANNED and never opens a socket', async () => {
    server.banned.add(8);
    const b = makeClient(8);
    const banned: string[] = [];
    b.on('banned', (e) => banned.push(e.code));
    await expect(b.connect()).rejects.toMatchObject({ code: 'USER_BANNED' });
    expect(banned).toEqual(['USER_BANNED']);
    expect(b.state).toBe('closed');
    expect(server.connects).toBe(0);
  });
});
