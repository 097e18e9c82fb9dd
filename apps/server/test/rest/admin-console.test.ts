/**
 * What the admin console reads besides profiles: `GET /admin/stats` (this node's running totals,
 * from the same metrics /metrics shows) and `GET /admin/conversations/{id}/messages` (any
 * conversation, without taking part in it); and `/admin`, the console's page, only while the
 * admin API is on.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SignalRUser } from '../support/signalr-client.js';
import { StompUser } from '../support/stomp-client.js';
import { eventually, startTestServer, type TestServer } from '../support/test-app.js';
import { BAD_PATH_IDS, expectError, raw } from './rest-helpers.js';

const ADMIN = 'console-admin-token';
const ADMIN_PATHS = ['/admin/stats', '/admin/conversations/1/messages'];

describe('admin console endpoints while the admin API is off', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(async () => {
    await server?.[Symbol.asyncDispose]();
  });

  it('do not exist: the API paths, the console page and its html file all answer 404', async () => {
    for (const path of ADMIN_PATHS) expectError(await raw(server, 'GET', path, { token: ADMIN }), 404, 'NOT_FOUND');
    for (const path of ['/admin', '/admin/', '/admin.html']) {
      const page = await raw(server, 'GET', path);
      expect(page.status, path).toBe(404);
      expect(String(page.headers.get('content-type'))).not.toContain('text/html');
    }
  });
});

describe('admin console endpoints', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ PARLEY_ADMIN_TOKEN: ADMIN });
  });
  afterAll(async () => {
    await server?.[Symbol.asyncDispose]();
  });

  const admin = (path: string) => raw(server, 'GET', path, { token: ADMIN });

  it('answer 401 without the admin token, with a wrong one, and with a user token', async () => {
    const userToken = await server.token(1, 'Ann');
    for (const path of ADMIN_PATHS) {
      for (const token of [null, 'wrong', `${ADMIN}x`, userToken]) {
        expectError(await raw(server, 'GET', path, token ? { token } : {}), 401, 'UNAUTHORIZED');
      }
    }
  });

  it('serves the console page at /admin only, never framed, running only its own scripts, and not as /admin.html', async () => {
    expectError(await raw(server, 'GET', '/admin.html'), 404, 'NOT_FOUND');
    const page = await raw(server, 'GET', '/admin');
    // The page comes from the web build; without one the route says so rather than failing.
    if (page.status === 404) {
      expectError(page, 404, 'NOT_FOUND');
      return;
    }
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toContain('text/html');
    const policy = String(page.headers.get('content-security-policy'));
    for (const directive of ["frame-ancestors 'none'", "script-src 'self'", "connect-src 'self'"]) expect(policy).toContain(directive);
    expect(String(page.body)).toContain('parley-admin');
  });

  it('stats: running totals per door that follow connections, stored messages and client errors', async () => {
    const before = await admin('/admin/stats');
    expect(before.status).toBe(200);
    expect(before.headers.get('cache-control')).toBe('no-store');
    expect(before.body).toMatchObject({
      takenAt: expect.any(Number),
      connections: { total: expect.any(Number), byDoor: expect.any(Object) },
      messagesStored: { total: expect.any(Number), byDoor: expect.any(Object) },
      clientErrors: { total: expect.any(Number), byDoor: expect.any(Object) },
    });
    const latency = before.body.sendLatency;
    if (latency !== null) expect(latency).toMatchObject({ buckets: expect.any(Array), count: expect.any(Number), sum: expect.any(Number) });

    const [sender, receiver] = [await server.token(11, 'Sam'), await server.token(12, 'Rae')];
    await using stomp = await new StompUser(server.url, { token: receiver }).connect();
    await using hub = await SignalRUser.start(server.url, sender);
    expect(stomp.connected).toBe(1);
    const sent = await hub.invoke('SendMessage', { tempId: randomUUID(), receiverId: 12, messageType: 1, content: 'counted' });
    expect(sent).toBeTruthy();
    expectError(await server.api(sender, 'GET', '/messages/history/0'), 400, 'VALIDATION_FAILED');

    const after = await eventually(async () => {
      const stats = (await admin('/admin/stats')).body;
      return stats.connections.total >= before.body.connections.total + 2 ? stats : null;
    }, 'two more connections');
    expect(after.takenAt).toBeGreaterThanOrEqual(before.body.takenAt);
    expect(after.messagesStored.total).toBeGreaterThan(before.body.messagesStored.total);
    expect(after.clientErrors.total).toBeGreaterThan(before.body.clientErrors.total);
    const doorSum = (t: { byDoor: Record<string, number> }) => Object.values(t.byDoor).reduce((a, b) => a + b, 0);
    expect(doorSum(after.connections)).toBe(after.connections.total);
    expect(doorSum(after.messagesStored)).toBe(after.messagesStored.total);
  });

  it("conversation messages: participants and messages in ascending seq, recalled ones included, for an operator who takes no part", async () => {
    const [a, b] = [await server.token(21, 'Ada'), await server.token(22, 'Bo')];
    const ids: number[] = [];
    let conversationId = 0;
    for (let i = 1; i <= 5; i++) {
      const [from, to] = i % 2 ? [a, 22] : [b, 21];
      const sent = await server.api(from, 'POST', '/messages', { receiverId: to, messageType: 'TEXT', content: `m${i}`, clientMsgId: randomUUID() });
      expect(sent.status).toBe(201);
      ids.push(sent.body.id);
      conversationId = sent.body.conversationId;
    }
    expect((await server.api(a, 'DELETE', `/messages/${ids[4]}`)).status).toBe(200);

    const all = await admin(`/admin/conversations/${conversationId}/messages`);
    expect(all.status).toBe(200);
    expect(all.body.conversationId).toBe(conversationId);
    expect(all.body.participants).toEqual([
      { id: 21, name: 'Ada', avatarUrl: null },
      { id: 22, name: 'Bo', avatarUrl: null },
    ]);
    expect(all.body.hasMore).toBe(false);
    expect(all.body.items.map((m: { seq: number }) => m.seq)).toEqual([1, 2, 3, 4, 5]);
    expect(all.body.items.map((m: { content: string }) => m.content).slice(0, 4)).toEqual(['m1', 'm2', 'm3', 'm4']);
    expect(all.body.items[4]).toMatchObject({ id: ids[4], status: 'RECALLED' });

    const page = await admin(`/admin/conversations/${conversationId}/messages?beforeSeq=4&limit=2`);
    expect(page.status).toBe(200);
    expect(page.body.items.map((m: { seq: number }) => m.seq)).toEqual([2, 3]);
    expect(page.body.hasMore).toBe(true);
  });

  it('conversation messages: CONVERSATION_NOT_FOUND for an unknown id, VALIDATION_FAILED for bad ids and ranges', async () => {
    expectError(await admin('/admin/conversations/987654321/messages'), 404, 'CONVERSATION_NOT_FOUND');
    for (const id of BAD_PATH_IDS) expectError(await admin(`/admin/conversations/${id}/messages`), 400, 'VALIDATION_FAILED');
    for (const query of ['limit=0', 'limit=101', 'limit=abc', 'beforeSeq=-1', 'beforeSeq=1.5']) {
      expectError(await admin(`/admin/conversations/1/messages?${query}`), 400, 'VALIDATION_FAILED');
    }
  });
});
