/**
 * Every /messages and /sync route through real HTTP: happy paths, then bad input of every kind
 * (malformed JSON, wrong types, out-of-range ids, oversize bodies, SQL-looking strings, other
 * users' ids), each answering its error code (docs/errors.md) and storing nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../support/test-app.js';
import { BAD_BODY_IDS, BAD_PATH_IDS, expectError, expectNothingStored, raw, userFactory } from './rest-helpers.js';

let server: TestServer;
const users = userFactory(() => server);

const textBody = (receiverId: unknown, content = 'hello', clientMsgId: unknown = `c-${Math.random()}`) => ({ receiverId, messageType: 'TEXT', content, clientMsgId });

beforeAll(async () => {
  server = await startTestServer({ PARLEY_SEND_RATE: '100000', PARLEY_SEND_BURST: '100000' });
});

afterAll(async () => {
  await server?.[Symbol.asyncDispose]();
});

describe('POST /messages', () => {
  it('stores and answers 201 with the message and userSeq; a repeated clientMsgId answers 200 with the stored one', async () => {
    const [a, b] = await users(2);
    const first = await server.api(a!.token, 'POST', '/messages', textBody(b!.id, '  你好 😀  ', 'c-1'));
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({ seq: 1, senderId: a!.id, receiverId: b!.id, messageType: 'TEXT', content: '你好 😀', extra: null, status: 'NORMAL', isRead: false, clientMsgId: 'c-1', userSeq: 1 });
    expect(Number.isInteger(first.body.id) && Number.isInteger(first.body.conversationId)).toBe(true);
    expect(new Date(first.body.createdAt).toISOString()).toBe(first.body.createdAt);
    const repeat = await server.api(a!.token, 'POST', '/messages', textBody(b!.id, 'different text', 'c-1'));
    expect(repeat.status).toBe(200);
    expect(repeat.body).toMatchObject({ id: first.body.id, content: '你好 😀', seq: 1 });
    expect(repeat.body.userSeq).toBeUndefined();
    // A numeric clientMsgId is the sender's id too (stored as text).
    const numeric = await server.api(a!.token, 'POST', '/messages', textBody(b!.id, 'n', 1700000000000));
    expect(numeric.status).toBe(201);
    expect(numeric.body.clientMsgId).toBe('1700000000000');
    expect((await server.api(b!.token, 'GET', `/messages/history/${a!.id}`)).body.items.map((m: any) => m.seq)).toEqual([1, 2]);
  });

  it('sends EMOJI, and ignores a senderId in the payload: the sender is always the token’s user', async () => {
    const [a, b, c] = await users(3);
    const sent = await server.api(a!.token, 'POST', '/messages', { ...textBody(b!.id), messageType: 'EMOJI', content: '[smile]', senderId: c!.id });
    expect(sent.status).toBe(201);
    expect(sent.body).toMatchObject({ senderId: a!.id, messageType: 'EMOJI', content: '[smile]' });
    expect((await server.api(c!.token, 'GET', '/sync')).body.events).toEqual([]);
  });

  it('stores SQL-looking and markup strings verbatim', async () => {
    const [a, b] = await users(2);
    const content = "'; DROP TABLE messages; --  \" OR 1=1 -- <script>alert('x')</script> $1 \\x00";
    const clientMsgId = "1'); DELETE FROM users; --";
    const sent = await server.api(a!.token, 'POST', '/messages', textBody(b!.id, content, clientMsgId));
    expect(sent.status).toBe(201);
    const history = await server.api(b!.token, 'GET', `/messages/history/${a!.id}`);
    expect(history.body.items).toHaveLength(1);
    expect(history.body.items[0]).toMatchObject({ content, clientMsgId });
    expect((await server.api(a!.token, 'POST', '/messages', textBody(b!.id, 'x', clientMsgId))).status).toBe(200);
  });

  it('refuses bad input with VALIDATION_FAILED and stores nothing', async () => {
    const [a, b] = await users(2);
    await server.api(a!.token, 'POST', '/messages', textBody(b!.id, 'existing'));
    const cases: [string, unknown][] = [
      ...BAD_BODY_IDS.map((id): [string, unknown] => [`receiverId ${JSON.stringify(id)}`, textBody(id)]),
      ['missing receiverId', { messageType: 'TEXT', content: 'x', clientMsgId: 'm1' }],
      ['missing clientMsgId', { receiverId: b!.id, messageType: 'TEXT', content: 'x' }],
      ['empty clientMsgId', textBody(b!.id, 'x', '')],
      ['65-character clientMsgId', textBody(b!.id, 'x', 'x'.repeat(65))],
      ['object clientMsgId', textBody(b!.id, 'x', { id: 1 })],
      ['negative clientMsgId', textBody(b!.id, 'x', -1)],
      ['content a number', { ...textBody(b!.id), content: 42 }],
      ['content null', { ...textBody(b!.id), content: null }],
      ['blank TEXT', textBody(b!.id, '   ')],
      ['TEXT over 5000 characters', textBody(b!.id, 'x'.repeat(5001))],
      ['content with NUL', textBody(b!.id, 'a\u0000b')],
      ['unknown messageType', { ...textBody(b!.id), messageType: 'SHOUT' }],
      ['exchange messageType', { ...textBody(b!.id), messageType: 'EXCHANGE_WECHAT_REQUEST' }],
      ['lowercase messageType', { ...textBody(b!.id), messageType: 'text' }],
      ['extra an array', { ...textBody(b!.id), extra: [1] }],
      ['IMAGE with a foreign URL', { ...textBody(b!.id, 'https://evil.example.com/a.png'), messageType: 'IMAGE' }],
      ['VOICE without duration', { ...textBody(b!.id, '/media/AbCdEfGhIjKl.mp3'), messageType: 'VOICE' }],
      ['a JSON array body', [textBody(b!.id)]],
      ['a JSON string body', 'hello'],
    ];
    await expectNothingStored(server, [a!.token, b!.token], async () => {
      for (const [what, body] of cases) {
        const response = await server.api(a!.token, 'POST', '/messages', body);
        expectError(response, 400, 'VALIDATION_FAILED');
        expect(response.body.error.message, what).not.toBe('');
      }
    });
  });

  it('refuses malformed JSON, a wrong content type and an empty body with VALIDATION_FAILED', async () => {
    const [a, b] = await users(2);
    await expectNothingStored(server, [a!.token, b!.token], async () => {
      for (const body of ['{"receiverId": 2,', '{receiverId: 2}', "{'a':1}", 'null', '']) {
        expectError(await raw(server, 'POST', '/messages', { token: a!.token, body, contentType: 'application/json' }), 400, 'VALIDATION_FAILED');
      }
      const asText = await raw(server, 'POST', '/messages', { token: a!.token, body: JSON.stringify(textBody(b!.id)), contentType: 'text/plain' });
      expect([400, 415]).toContain(asText.status);
      expect(asText.body.error.code).toBe('VALIDATION_FAILED');
      expectError(await raw(server, 'POST', '/messages', { token: a!.token, body: 'receiverId=2', contentType: 'application/x-www-form-urlencoded' }), asText.status, 'VALIDATION_FAILED');
    });
  });

  it('answers 413 PAYLOAD_TOO_LARGE for a body over the limit, storing nothing', async () => {
    const [a, b] = await users(2);
    await expectNothingStored(server, [a!.token, b!.token], async () => {
      const body = JSON.stringify(textBody(b!.id, 'x'.repeat(300 * 1024)));
      expectError(await raw(server, 'POST', '/messages', { token: a!.token, body, contentType: 'application/json' }), 413, 'PAYLOAD_TOO_LARGE');
    });
  });

  it('answers SELF_CHAT, USER_NOT_FOUND and BLOCKED with their statuses, storing nothing', async () => {
    const [a, b] = await users(2);
    await server.api(b!.token, 'PUT', `/blocks/${a!.id}`);
    await expectNothingStored(server, [a!.token, b!.token], async () => {
      expectError(await server.api(a!.token, 'POST', '/messages', textBody(a!.id)), 400, 'SELF_CHAT');
      expectError(await server.api(a!.token, 'POST', '/messages', textBody(90_000_001)), 404, 'USER_NOT_FOUND');
      expectError(await server.api(a!.token, 'POST', '/messages', textBody(b!.id)), 403, 'BLOCKED');
    });
  });

  it('answers RATE_LIMITED (429, retryAfterMs, Retry-After) over the send rate', async () => {
    // One token per 100 s: however slow a loaded machine is between the sends, none refills.
    await using limited = await startTestServer({ PARLEY_SEND_RATE: '0.01', PARLEY_SEND_BURST: '2' });
    const a = await limited.token(1);
    const b = await limited.token(2);
    expect((await limited.api(a, 'POST', '/messages', textBody(2, 'one'))).status).toBe(201);
    expect((await limited.api(a, 'POST', '/messages', textBody(2, 'two'))).status).toBe(201);
    const before = JSON.stringify((await limited.api(b, 'GET', '/sync')).body);
    const third = await limited.api(a, 'POST', '/messages', textBody(2, 'three'));
    expectError(third, 429, 'RATE_LIMITED');
    expect(third.body.error.retryAfterMs).toBeGreaterThan(0);
    expect(Number(third.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(JSON.stringify((await limited.api(b, 'GET', '/sync')).body)).toBe(before);
  });
});

describe('GET /messages/history/{userId}', () => {
  it('pages latest, beforeSeq and afterSeq (default 20, ascending, hasMore)', async () => {
    const [a, b] = await users(2);
    for (let i = 1; i <= 25; i++) await server.api(i % 2 ? a!.token : b!.token, 'POST', '/messages', textBody(i % 2 ? b!.id : a!.id, `m${i}`));
    const seqs = async (query: string) => {
      const response = await server.api(a!.token, 'GET', `/messages/history/${b!.id}${query}`);
      expect(response.status).toBe(200);
      return { seqs: response.body.items.map((m: any) => m.seq), hasMore: response.body.hasMore };
    };
    const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);
    expect(await seqs('')).toEqual({ seqs: range(6, 25), hasMore: true });
    expect(await seqs('?beforeSeq=6')).toEqual({ seqs: range(1, 5), hasMore: false });
    expect(await seqs('?afterSeq=20&limit=3')).toEqual({ seqs: [21, 22, 23], hasMore: true });
    expect(await seqs('?afterSeq=0&limit=100')).toEqual({ seqs: range(1, 25), hasMore: false });
    expect(await seqs('?beforeSeq=10&limit=2')).toEqual({ seqs: [8, 9], hasMore: true });
    // The peer sees the same history.
    expect((await server.api(b!.token, 'GET', `/messages/history/${a!.id}?limit=1`)).body.items[0].content).toBe('m25');
  });

  it('answers an empty page for a user you never talked to, USER_NOT_FOUND for nobody, SELF_CHAT for yourself', async () => {
    const [a, b] = await users(2);
    expect((await server.api(a!.token, 'GET', `/messages/history/${b!.id}`)).body).toEqual({ items: [], hasMore: false });
    expectError(await server.api(a!.token, 'GET', '/messages/history/90000002'), 404, 'USER_NOT_FOUND');
    expectError(await server.api(a!.token, 'GET', `/messages/history/${a!.id}`), 400, 'SELF_CHAT');
  });

  it('shows only your own conversations: another pair’s history is not reachable', async () => {
    const [a, b, c] = await users(3);
    await server.api(a!.token, 'POST', '/messages', textBody(b!.id, 'private'));
    // c can only ask for c's own conversation with a or b, which is empty.
    expect((await server.api(c!.token, 'GET', `/messages/history/${a!.id}`)).body.items).toEqual([]);
    expect((await server.api(c!.token, 'GET', `/messages/history/${b!.id}`)).body.items).toEqual([]);
  });

  it('refuses bad ids and bad paging values with VALIDATION_FAILED', async () => {
    const [a, b] = await users(2);
    for (const id of BAD_PATH_IDS) expectError(await server.api(a!.token, 'GET', `/messages/history/${id}`), 400, 'VALIDATION_FAILED');
    for (const query of ['limit=0', 'limit=101', 'limit=-1', 'limit=abc', 'beforeSeq=-1', 'afterSeq=x', 'afterSeq=1e20', 'beforeSeq=9223372036854775808', 'limit=1.5']) {
      expectError(await server.api(a!.token, 'GET', `/messages/history/${b!.id}?${query}`), 400, 'VALIDATION_FAILED');
    }
  });
});

describe('GET /messages/conversations', () => {
  it('lists newest activity first with peer, lastMessage, unread counts and a nextBefore cursor', async () => {
    const [me, p1, p2, p3] = await users(4);
    for (const peer of [p1!, p2!, p3!]) await server.api(peer.token, 'POST', '/messages', textBody(me!.id, `from ${peer.id}`));
    await server.api(me!.token, 'POST', '/messages', textBody(p1!.id, 'reply'));
    const page1 = await server.api(me!.token, 'GET', '/messages/conversations?limit=2');
    expect(page1.status).toBe(200);
    expect(page1.body.items.map((c: any) => c.peer.id)).toEqual([p1!.id, p3!.id]);
    expect(page1.body.items[0]).toMatchObject({
      peer: { id: p1!.id, name: `user${p1!.id}`, avatarUrl: null, online: false },
      lastMessage: { content: 'reply', senderId: me!.id },
      lastSeq: 2,
      unreadCount: 1,
      myReadUpToSeq: 0,
      peerReadUpToSeq: 0,
    });
    expect(page1.body.userSeq).toBe(4);
    expect(typeof page1.body.nextBefore).toBe('string');
    const page2 = await server.api(me!.token, 'GET', `/messages/conversations?limit=2&before=${encodeURIComponent(page1.body.nextBefore)}`);
    expect(page2.body.items.map((c: any) => c.peer.id)).toEqual([p2!.id]);
    expect(page2.body.nextBefore).toBeNull();
    const all = await server.api(me!.token, 'GET', '/messages/conversations');
    expect(all.body.items).toHaveLength(3);
    expect(all.body.nextBefore).toBeNull();
    // A stranger sees none of them.
    const [stranger] = await users(1);
    expect((await server.api(stranger!.token, 'GET', '/messages/conversations')).body).toEqual({ items: [], userSeq: 0, nextBefore: null, unreadTotal: 0 });
  });

  it('refuses bad limits and cursors', async () => {
    const [a] = await users(1);
    for (const query of ['limit=0', 'limit=101', 'limit=x', "before=1'%20OR%20'1'%3D'1", 'before=abc', 'before=1_2_3', `before=${'9'.repeat(201)}`]) {
      expectError(await server.api(a!.token, 'GET', `/messages/conversations?${query}`), 400, 'VALIDATION_FAILED');
    }
  });
});

describe('PUT /messages/read/{conversationId}', () => {
  it('marks all or up to a seq, never backwards, with unread counts and read receipts in both logs', async () => {
    const [a, b] = await users(2);
    let conversationId = 0;
    for (let i = 1; i <= 4; i++) conversationId = (await server.api(a!.token, 'POST', '/messages', textBody(b!.id, `m${i}`))).body.conversationId;
    const partial = await server.api(b!.token, 'PUT', `/messages/read/${conversationId}`, { upToSeq: 2 });
    expect(partial.status).toBe(200);
    expect(partial.body).toEqual({ conversationId, readUpToSeq: 2, unreadCount: 2, userSeq: 5 });
    const backwards = await server.api(b!.token, 'PUT', `/messages/read/${conversationId}`, { upToSeq: 1 });
    expect(backwards.body).toEqual({ conversationId, readUpToSeq: 2, unreadCount: 2 });
    const noBody = await raw(server, 'PUT', `/messages/read/${conversationId}`, { token: b!.token });
    expect(noBody.status).toBe(200);
    expect(noBody.body).toMatchObject({ readUpToSeq: 4, unreadCount: 0 });
    const history = (await server.api(a!.token, 'GET', `/messages/history/${b!.id}`)).body.items;
    expect(history.every((m: any) => m.isRead)).toBe(true);
    const aSync = (await server.api(a!.token, 'GET', '/sync?since=4')).body;
    expect(aSync.events).toEqual([
      { userSeq: 5, type: 'read', data: { conversationId, readerId: b!.id, readUpToSeq: 2 } },
      { userSeq: 6, type: 'read', data: { conversationId, readerId: b!.id, readUpToSeq: 4 } },
    ]);
    const list = (await server.api(a!.token, 'GET', '/messages/conversations')).body.items[0];
    expect(list).toMatchObject({ peerReadUpToSeq: 4, myReadUpToSeq: 0 });
  });

  it('answers FORBIDDEN for someone else’s conversation and CONVERSATION_NOT_FOUND for none, storing nothing', async () => {
    const [a, b, c] = await users(3);
    const { conversationId } = (await server.api(a!.token, 'POST', '/messages', textBody(b!.id))).body;
    await expectNothingStored(server, [a!.token, b!.token, c!.token], async () => {
      expectError(await server.api(c!.token, 'PUT', `/messages/read/${conversationId}`, {}), 403, 'FORBIDDEN');
      expectError(await server.api(c!.token, 'PUT', '/messages/read/90000003', {}), 404, 'CONVERSATION_NOT_FOUND');
    });
  });

  it('refuses bad ids and bodies', async () => {
    const [a, b] = await users(2);
    const { conversationId } = (await server.api(a!.token, 'POST', '/messages', textBody(b!.id))).body;
    await expectNothingStored(server, [a!.token, b!.token], async () => {
      for (const id of BAD_PATH_IDS) expectError(await server.api(b!.token, 'PUT', `/messages/read/${id}`, {}), 400, 'VALIDATION_FAILED');
      for (const upToSeq of [-1, 'x', 1.5, 2 ** 63, null]) {
        expectError(await server.api(b!.token, 'PUT', `/messages/read/${conversationId}`, { upToSeq }), 400, 'VALIDATION_FAILED');
      }
      expectError(await raw(server, 'PUT', `/messages/read/${conversationId}`, { token: b!.token, body: '{"upToSeq":', contentType: 'application/json' }), 400, 'VALIDATION_FAILED');
    });
  });
});

describe('DELETE /messages/{id} (recall)', () => {
  it('recalls my message, logs it for both, and refuses others with FORBIDDEN / MESSAGE_NOT_FOUND', async () => {
    const [a, b, c] = await users(3);
    const sent = (await server.api(a!.token, 'POST', '/messages', textBody(b!.id, 'oops'))).body;
    await expectNothingStored(server, [a!.token, b!.token, c!.token], async () => {
      expectError(await server.api(b!.token, 'DELETE', `/messages/${sent.id}`), 403, 'FORBIDDEN');
      expectError(await server.api(c!.token, 'DELETE', `/messages/${sent.id}`), 403, 'FORBIDDEN');
      expectError(await server.api(a!.token, 'DELETE', '/messages/90000004'), 404, 'MESSAGE_NOT_FOUND');
      for (const id of BAD_PATH_IDS) expectError(await server.api(a!.token, 'DELETE', `/messages/${id}`), 400, 'VALIDATION_FAILED');
    });
    const recalled = await server.api(a!.token, 'DELETE', `/messages/${sent.id}`);
    expect(recalled.status).toBe(200);
    expect(recalled.body).toMatchObject({ id: sent.id, seq: 1, status: 'RECALLED', content: '', userSeq: 2 });
    const bSync = (await server.api(b!.token, 'GET', '/sync?since=1')).body.events;
    expect(bSync).toEqual([{ userSeq: 2, type: 'recall', data: { conversationId: sent.conversationId, messageId: sent.id, seq: 1 } }]);
    const again = await server.api(a!.token, 'DELETE', `/messages/${sent.id}`);
    expect(again.status).toBe(200);
    expect(again.body.userSeq).toBeUndefined();
  });
});

describe('exchange routes', () => {
  const admin = 'admin-token-for-tests';
  let exchangeServer: TestServer;
  beforeAll(async () => {
    exchangeServer = await startTestServer({ PARLEY_ADMIN_TOKEN: admin });
  });
  afterAll(async () => {
    await exchangeServer?.[Symbol.asyncDispose]();
  });

  it('requests, answers once and reveals each side only to the other', async () => {
    const s = exchangeServer;
    const [a, b, c] = [await s.token(1), await s.token(2), await s.token(3)];
    await raw(s, 'PUT', '/admin/users/2', { headers: { authorization: `Bearer ${admin}` }, body: JSON.stringify({ wechatId: 'wx-two' }), contentType: 'application/json' });

    expectError(await s.api(a, 'POST', '/messages/exchange', { receiverId: 2, kind: 'WECHAT' }), 409, 'PROFILE_INCOMPLETE');
    expect((await s.api(a, 'PUT', '/users/me', { wechatId: 'wx-one' })).status).toBe(200);
    const request = await s.api(a, 'POST', '/messages/exchange', { receiverId: 2, kind: 'WECHAT' });
    expect(request.status).toBe(201);
    expect(request.body).toMatchObject({ messageType: 'EXCHANGE_WECHAT_REQUEST', content: '', extra: { exchangeStatus: 'PENDING' }, senderId: 1, userSeq: 1 });
    const pending = await s.api(a, 'POST', '/messages/exchange', { receiverId: 2, kind: 'WECHAT' });
    expect(pending.status).toBe(200);
    expect(pending.body.id).toBe(request.body.id);

    await expectNothingStored(s, [a, b, c], async () => {
      expectError(await s.api(a, 'POST', `/messages/exchange/${request.body.id}/respond`, { accept: true }), 403, 'FORBIDDEN');
      expectError(await s.api(c, 'POST', `/messages/exchange/${request.body.id}/respond`, { accept: true }), 403, 'FORBIDDEN');
      expectError(await s.api(b, 'POST', '/messages/exchange/90000005/respond', { accept: true }), 404, 'MESSAGE_NOT_FOUND');
      for (const body of [{}, { accept: 'yes' }, { accept: 1 }, { accept: null }]) {
        expectError(await s.api(b, 'POST', `/messages/exchange/${request.body.id}/respond`, body), 400, 'VALIDATION_FAILED');
      }
      for (const id of BAD_PATH_IDS) expectError(await s.api(b, 'POST', `/messages/exchange/${id}/respond`, { accept: true }), 400, 'VALIDATION_FAILED');
      for (const body of [{ receiverId: 2, kind: 'wechat' }, { receiverId: 2 }, { receiverId: '2', kind: 'WECHAT' }, ...BAD_BODY_IDS.map((receiverId) => ({ receiverId, kind: 'PHOTO' }))]) {
        expectError(await s.api(a, 'POST', '/messages/exchange', body), 400, 'VALIDATION_FAILED');
      }
      expectError(await s.api(a, 'POST', '/messages/exchange', { receiverId: 1, kind: 'WECHAT' }), 400, 'SELF_CHAT');
      expectError(await s.api(a, 'POST', '/messages/exchange', { receiverId: 90000006, kind: 'WECHAT' }), 404, 'USER_NOT_FOUND');
    });

    const answer = await s.api(b, 'POST', `/messages/exchange/${request.body.id}/respond`, { accept: true });
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ messageType: 'EXCHANGE_WECHAT_RESULT', senderId: 2, receiverId: 1, extra: { requestId: request.body.id, accepted: true, exchangedData: { userId: 1, wechatId: 'wx-one' } } });
    expect(answer.body.seq).toBeGreaterThan(request.body.seq);
    expectError(await s.api(b, 'POST', `/messages/exchange/${request.body.id}/respond`, { accept: false }), 409, 'EXCHANGE_NOT_PENDING');

    const aHistory = (await s.api(a, 'GET', '/messages/history/2')).body.items;
    expect(aHistory[0].extra).toEqual({ exchangeStatus: 'ACCEPTED' });
    expect(aHistory[1].extra.exchangedData).toEqual({ userId: 2, wechatId: 'wx-two' });
    expect(JSON.stringify(aHistory)).not.toContain('wx-one');
    const aExchange = (await s.api(a, 'GET', '/sync')).body.events.find((e: any) => e.type === 'exchange');
    expect(aExchange.data).toEqual({ messageId: request.body.id, requesterId: 1, responderId: 2, kind: 'WECHAT', accepted: true, exchangedData: { userId: 2, wechatId: 'wx-two' } });
    // The third user never sees private data anywhere.
    expect(JSON.stringify((await s.api(c, 'GET', '/sync')).body)).not.toMatch(/wx-/);
  });
});

describe('GET /sync', () => {
  it('returns events after `since` ascending, with the latest userSeq and hasMore', async () => {
    const [a, b] = await users(2);
    for (let i = 1; i <= 5; i++) await server.api(a!.token, 'POST', '/messages', textBody(b!.id, `s${i}`));
    const page = await server.api(b!.token, 'GET', '/sync?since=1&limit=2');
    expect(page.status).toBe(200);
    expect(page.body.userSeq).toBe(5);
    expect(page.body.hasMore).toBe(true);
    expect(page.body.events.map((e: any) => [e.userSeq, e.type, e.data.content])).toEqual([
      [2, 'message', 's2'],
      [3, 'message', 's3'],
    ]);
    expect((await server.api(b!.token, 'GET', '/sync?since=5')).body).toEqual({ events: [], userSeq: 5, hasMore: false });
    expect((await server.api(b!.token, 'GET', '/sync')).body.events).toHaveLength(5);
  });

  it('refuses bad since and limit values', async () => {
    const [a] = await users(1);
    for (const query of ['since=-1', 'since=abc', 'since=1e20', 'limit=0', 'limit=1001', 'limit=x', 'since=9223372036854775808']) {
      expectError(await server.api(a!.token, 'GET', `/sync?${query}`), 400, 'VALIDATION_FAILED');
    }
  });
});

describe('authentication on every user route', () => {
  it('answers 401 UNAUTHORIZED without a token, with a malformed one or with a bad scheme', async () => {
    const routes: [string, string][] = [
      ['POST', '/messages'],
      ['GET', '/messages/conversations'],
      ['GET', '/messages/history/1'],
      ['PUT', '/messages/read/1'],
      ['POST', '/messages/exchange'],
      ['POST', '/messages/exchange/1/respond'],
      ['DELETE', '/messages/1'],
      ['GET', '/sync'],
      ['GET', '/users/presence?ids=1'],
      ['GET', '/users/me'],
      ['PUT', '/users/me'],
      ['GET', '/blocks'],
      ['PUT', '/blocks/1'],
      ['DELETE', '/blocks/1'],
      ['POST', '/media'],
    ];
    for (const [method, path] of routes) {
      expectError(await raw(server, method, path), 401, 'UNAUTHORIZED');
      expectError(await raw(server, method, path, { token: 'not.a.jwt' }), 401, 'UNAUTHORIZED');
      expectError(await raw(server, method, path, { headers: { authorization: 'Basic dXNlcjpwYXNz' } }), 401, 'UNAUTHORIZED');
    }
  });
});
