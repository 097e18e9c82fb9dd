/**
 * Safety on the send path through real clients on every door (fetch, @stomp/stompjs,
 * @microsoft/signalr): the contact guard in mask and block mode and its exemption after an
 * accepted WeChat exchange, the word lists and their admin API, a muted sender, the first-contact
 * limit, and the error bodies that carry `reason`.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SignalRUser } from '../support/signalr-client.js';
import { StompUser } from '../support/stomp-client.js';
import { eventually, startTestServer, type TestServer } from '../support/test-app.js';
import { createTestDatabase, TEST_DATABASE_URL } from '../support/test-database.js';
import { createTestRedisPrefix, TEST_REDIS_URL } from '../support/test-redis.js';

const ADMIN = 'admin-token-for-safety-tests';
let nextUser = 9100;

async function userOn(server: TestServer) {
  const id = nextUser++;
  return { id, token: await server.token(id, `s${id}`) };
}

const text = (receiverId: number, content: string, clientMsgId: string) => ({ receiverId, messageType: 'TEXT', content, clientMsgId });
const hubText = (receiverId: number, content: string, tempId: string) => ({ tempId, receiverId, messageType: 1, content });

describe('contact guard in mask mode, word lists, mute and first contact', () => {
  let server: TestServer;
  const admin = (method: string, path: string, body?: unknown) => server.api(ADMIN, method, path, body);

  beforeAll(async () => {
    server = await startTestServer({ PARLEY_ADMIN_TOKEN: ADMIN, PARLEY_FIRST_CONTACT_LIMIT: '2', PARLEY_SEND_RATE: '1000', PARLEY_SEND_BURST: '1000' });
  });
  afterAll(async () => {
    await server?.app.shutdown();
  });

  it('masks a phone number on REST, STOMP and SignalR alike and marks the message', async () => {
    const [alice, bob] = [await userOn(server), await userOn(server)];
    const rest = await server.api(alice.token, 'POST', '/messages', text(bob.id, '加我 138 0013 8000 吧', 'm-rest'));
    expect(rest.status).toBe(201);
    expect(rest.body).toMatchObject({ content: '加我 ************* 吧', extra: { masked: ['CONTACT'] } });

    // The peer answers, so that first contact does not get in the way of the next sends.
    expect((await server.api(bob.token, 'POST', '/messages', text(alice.id, 'hi', 'b-1'))).status).toBe(201);

    await using stomp = await new StompUser(server.url, { token: alice.token }).connect();
    await stomp.subscribe('/user/queue/messages', '/user/queue/errors');
    await stomp.publish('/app/chat.send', text(bob.id, '微信：abc_12345', 'm-stomp'));
    const pushed = await stomp.next('/user/queue/messages', (m: { clientMsgId: string }) => m.clientMsgId === 'm-stomp');
    expect(pushed.body).toMatchObject({ content: '微信：*********', extra: { masked: ['CONTACT'] } });

    await using hub = await SignalRUser.start(server.url, alice.token);
    const answered = await hub.invoke('SendMessage', hubText(bob.id, 'mail me: jane@example.com', 'm-hub'));
    expect(answered).toMatchObject({ content: 'mail me: ****************' });
    expect(JSON.parse(answered.extraData)).toEqual({ masked: ['CONTACT'] });
    // Ordinary numbers pass untouched.
    const plain = await server.api(alice.token, 'POST', '/messages', text(bob.id, '明天 18:30 见，票价 1388 元', 'm-plain'));
    expect(plain.body).toMatchObject({ content: '明天 18:30 见，票价 1388 元', extra: null });
  });

  it('stops guarding a pair once a WeChat exchange between them was accepted', async () => {
    const [alice, bob] = [await userOn(server), await userOn(server)];
    for (const [who, wechatId] of [
      [alice, 'alice_wx1'],
      [bob, 'bob_wx22'],
    ] as const) {
      expect((await server.api(who.token, 'PUT', '/users/me', { wechatId })).status).toBe(200);
    }
    const request = await server.api(alice.token, 'POST', '/messages/exchange', { receiverId: bob.id, kind: 'WECHAT' });
    expect(request.status).toBe(201);
    const before = await server.api(bob.token, 'POST', '/messages', text(alice.id, 'call 13800138000', 'x-1'));
    expect(before.body).toMatchObject({ content: 'call ***********' });
    expect((await server.api(bob.token, 'POST', `/messages/exchange/${request.body.id}/respond`, { accept: true })).status).toBe(200);
    const after = await server.api(alice.token, 'POST', '/messages', text(bob.id, 'call 13800138000', 'x-2'));
    expect(after.body).toMatchObject({ content: 'call 13800138000', extra: null });
  });

  it('serves the word lists on the admin API, refuses bad lists, and applies block and mask words on every door', async () => {
    expect(await admin('GET', '/admin/moderation/words')).toMatchObject({ status: 200, body: { block: [], mask: [] } });
    expect((await server.api('', 'GET', '/admin/moderation/words')).status).toBe(401);
    expect(await admin('PUT', '/admin/moderation/words', { block: ['x'.repeat(65)], mask: [] })).toMatchObject({ status: 400, body: { error: { code: 'VALIDATION_FAILED' } } });
    expect(await admin('PUT', '/admin/moderation/words', { block: Array.from({ length: 6000 }, (_, i) => `b${i}`), mask: Array.from({ length: 5000 }, (_, i) => `m${i}`) })).toMatchObject({
      status: 400,
      body: { error: { code: 'VALIDATION_FAILED' } },
    });
    expect(await admin('PUT', '/admin/moderation/words', { block: [''], mask: [] })).toMatchObject({ status: 400 });
    const put = await admin('PUT', '/admin/moderation/words', { block: ['scam', '骗子'], mask: ['darn', 'darn'] });
    expect(put).toMatchObject({ status: 200, body: { block: ['scam', '骗子'], mask: ['darn'] } });
    expect((await admin('GET', '/admin/moderation/words')).body).toEqual({ block: ['scam', '骗子'], mask: ['darn'] });

    const [alice, bob] = [await userOn(server), await userOn(server)];
    const refused = await server.api(alice.token, 'POST', '/messages', text(bob.id, 'this is no S.C.A.M', 'w-1'));
    expect(refused).toMatchObject({ status: 422, body: { error: { code: 'CONTENT_REJECTED', reason: 'WORDLIST' } } });
    const masked = await server.api(alice.token, 'POST', '/messages', text(bob.id, 'oh D A R N it', 'w-2'));
    expect(masked.body).toMatchObject({ content: 'oh ******* it', extra: { masked: ['WORDLIST'] } });
    expect((await server.api(bob.token, 'POST', '/messages', text(alice.id, 'ok', 'wb-1'))).status).toBe(201);

    await using stomp = await new StompUser(server.url, { token: alice.token }).connect();
    await stomp.subscribe('/user/queue/messages', '/user/queue/errors');
    await stomp.publish('/app/chat.send', text(bob.id, '你这个骗 子', 'w-3'));
    expect((await stomp.next('/user/queue/errors')).body).toMatchObject({ code: 'CONTENT_REJECTED', reason: 'WORDLIST', clientMsgId: 'w-3', destination: '/app/chat.send' });

    await using hub = await SignalRUser.start(server.url, alice.token);
    await expect(hub.invoke('SendMessage', hubText(bob.id, 'SCAM', 'w-4'))).rejects.toThrow(/CONTENT_REJECTED: WORDLIST: /);
    const both = await hub.invoke('SendMessage', hubText(bob.id, 'darn, call 13800138000', 'w-5'));
    expect(both.content).toBe('****, call ***********');
    expect(JSON.parse(both.extraData)).toEqual({ masked: ['CONTACT', 'WORDLIST'] });

    // Nothing refused was stored.
    const history = await server.api(alice.token, 'GET', `/messages/history/${bob.id}?limit=100`);
    expect(history.body.items.map((m: { clientMsgId: string }) => m.clientMsgId)).toEqual(['w-2', 'wb-1', 'w-5']);
    expect((await admin('PUT', '/admin/moderation/words', { block: [], mask: [] })).status).toBe(200);
  });

  it('refuses a muted sender on every door while reading still works', async () => {
    const [alice, bob] = [await userOn(server), await userOn(server)];
    expect((await server.api(alice.token, 'POST', '/messages', text(bob.id, 'before', 'mu-1'))).status).toBe(201);
    await server.app.db.query(`INSERT INTO user_restrictions (user_id, kind, reason) VALUES ($1, 'MUTE', 'test')`, [alice.id]);
    expect(await server.api(alice.token, 'POST', '/messages', text(bob.id, 'after', 'mu-2'))).toMatchObject({ status: 403, body: { error: { code: 'USER_MUTED' } } });
    await using stomp = await new StompUser(server.url, { token: alice.token }).connect();
    await stomp.subscribe('/user/queue/errors');
    await stomp.publish('/app/chat.send', text(bob.id, 'after', 'mu-3'));
    expect((await stomp.next('/user/queue/errors')).body).toMatchObject({ code: 'USER_MUTED', clientMsgId: 'mu-3' });
    await using hub = await SignalRUser.start(server.url, alice.token);
    await expect(hub.invoke('SendMessage', hubText(bob.id, 'after', 'mu-4'))).rejects.toThrow(/USER_MUTED: /);
    expect((await server.api(alice.token, 'GET', `/messages/history/${bob.id}`)).body.items).toHaveLength(1);
    await server.app.db.query('DELETE FROM user_restrictions WHERE user_id = $1', [alice.id]);
    expect((await server.api(alice.token, 'POST', '/messages', text(bob.id, 'again', 'mu-5'))).status).toBe(201);
  });

  it('holds a stranger at the first-contact limit on every door until the peer answers', async () => {
    const [alice, bob] = [await userOn(server), await userOn(server)];
    expect((await server.api(alice.token, 'POST', '/messages', text(bob.id, 'one', 'fc-1'))).status).toBe(201);
    await using hub = await SignalRUser.start(server.url, alice.token);
    await hub.invoke('SendMessage', hubText(bob.id, 'two', 'fc-2'));
    expect(await server.api(alice.token, 'POST', '/messages', text(bob.id, 'three', 'fc-3'))).toMatchObject({ status: 403, body: { error: { code: 'AWAITING_REPLY' } } });
    await using stomp = await new StompUser(server.url, { token: alice.token }).connect();
    await stomp.subscribe('/user/queue/errors');
    await stomp.publish('/app/chat.send', text(bob.id, 'three', 'fc-4'));
    expect((await stomp.next('/user/queue/errors')).body).toMatchObject({ code: 'AWAITING_REPLY', clientMsgId: 'fc-4' });
    await expect(hub.invoke('SendMessage', hubText(bob.id, 'three', 'fc-5'))).rejects.toThrow(/AWAITING_REPLY: /);
    // Exchange requests count as messages too.
    expect((await server.api(alice.token, 'PUT', '/users/me', { wechatId: 'alice_fc9' })).status).toBe(200);
    expect(await server.api(alice.token, 'POST', '/messages/exchange', { receiverId: bob.id, kind: 'WECHAT' })).toMatchObject({ status: 403, body: { error: { code: 'AWAITING_REPLY' } } });

    await using bobHub = await SignalRUser.start(server.url, bob.token);
    await bobHub.invoke('SendMessage', hubText(alice.id, 'hello', 'fc-b'));
    expect((await server.api(alice.token, 'POST', '/messages', text(bob.id, 'three', 'fc-6'))).status).toBe(201);
    expect((await server.api(alice.token, 'POST', '/messages', text(bob.id, 'four', 'fc-7'))).status).toBe(201);
  });
});

describe('contact guard in block mode', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ PARLEY_CONTACT_GUARD: 'block' });
  });
  afterAll(async () => {
    await server?.app.shutdown();
  });

  it('refuses contact details with reason CONTACT_INFO on every door and stores nothing', async () => {
    const [alice, bob] = [await userOn(server), await userOn(server)];
    const rest = await server.api(alice.token, 'POST', '/messages', text(bob.id, 'vx: zhang_san88', 'b-1'));
    expect(rest).toMatchObject({ status: 422, body: { error: { code: 'CONTENT_REJECTED', reason: 'CONTACT_INFO' } } });
    await using stomp = await new StompUser(server.url, { token: alice.token }).connect();
    await stomp.subscribe('/user/queue/errors');
    await stomp.publish('/app/chat.send', text(bob.id, '１３８－００１３－８０００', 'b-2'));
    expect((await stomp.next('/user/queue/errors')).body).toMatchObject({ code: 'CONTENT_REJECTED', reason: 'CONTACT_INFO', clientMsgId: 'b-2' });
    await using hub = await SignalRUser.start(server.url, alice.token);
    await expect(hub.invoke('SendMessage', hubText(bob.id, 'QQ 12345678', 'b-3'))).rejects.toThrow(/CONTENT_REJECTED: CONTACT_INFO: /);
    expect((await server.api(alice.token, 'POST', '/messages', text(bob.id, 'see you at 5', 'b-4'))).status).toBe(201);
    expect((await server.api(alice.token, 'GET', `/messages/history/${bob.id}`)).body.items.map((m: { clientMsgId: string }) => m.clientMsgId)).toEqual(['b-4']);
  });
});

describe('contact guard off', () => {
  it('stores contact details as written', async () => {
    await using server = await startTestServer({ PARLEY_CONTACT_GUARD: 'off' });
    const [alice, bob] = [await userOn(server), await userOn(server)];
    const sent = await server.api(alice.token, 'POST', '/messages', text(bob.id, 'call 13800138000', 'o-1'));
    expect(sent.body).toMatchObject({ content: 'call 13800138000', extra: null });
  });
});

describe.skipIf(!TEST_DATABASE_URL || !TEST_REDIS_URL)('two nodes on one PostgreSQL database and Redis', () => {
  it('store exactly the first-contact limit when two devices race for the last allowed messages through both', async () => {
    await using database = await createTestDatabase();
    await using space = createTestRedisPrefix();
    const env = { DATABASE_URL: database.url, REDIS_URL: space.url, PARLEY_REDIS_PREFIX: space.prefix, JWT_SECRET: 'a-shared-secret-for-both-nodes', PARLEY_DEV_AUTH: 'true', PARLEY_FIRST_CONTACT_LIMIT: '3' };
    await using first = await startTestServer(env);
    await using second = await startTestServer(env);
    const [alice, bob] = [await userOn(first), await userOn(first)];
    expect((await first.api(alice.token, 'POST', '/messages', text(bob.id, 'hi', 'race-0'))).status).toBe(201);
    const answers = await Promise.all(
      Array.from({ length: 10 }, (_, i) => (i % 2 ? first : second).api(alice.token, 'POST', '/messages', text(bob.id, `m${i}`, `race-${i + 1}`))),
    );
    expect(answers.filter((a) => a.status === 201)).toHaveLength(2);
    expect(answers.filter((a) => a.status === 403 && a.body.error.code === 'AWAITING_REPLY')).toHaveLength(8);
    expect((await second.api(bob.token, 'GET', `/messages/history/${alice.id}`)).body.items).toHaveLength(3);
  });


  it('take a word list change to the other node within 5 seconds', async () => {
    await using database = await createTestDatabase();
    await using space = createTestRedisPrefix();
    const env = { DATABASE_URL: database.url, REDIS_URL: space.url, PARLEY_REDIS_PREFIX: space.prefix, PARLEY_ADMIN_TOKEN: ADMIN, JWT_SECRET: 'a-shared-secret-for-both-nodes', PARLEY_DEV_AUTH: 'true' };
    await using first = await startTestServer(env);
    await using second = await startTestServer(env);
    const [alice, bob] = [await userOn(first), await userOn(first)];
    expect((await second.api(alice.token, 'POST', '/messages', text(bob.id, 'a forbidden word', 'n-0'))).status).toBe(201);
    expect((await first.api(ADMIN, 'PUT', '/admin/moderation/words', { block: ['forbidden'], mask: [] })).status).toBe(200);
    let attempt = 0;
    await eventually(
      async () => {
        const answer = await second.api(alice.token, 'POST', '/messages', text(bob.id, 'a forbidden word', `n-${++attempt}`));
        return answer.status === 422 && answer.body.error.reason === 'WORDLIST';
      },
      'the new word list on the second node',
      5000,
    );
  });
});
