import type { AdminReportDetail, Message, Report } from '@parley/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SignalRUser } from '../support/signalr-client.js';
import { StompUser } from '../support/stomp-client.js';
import { startTestServer, type TestServer } from '../support/test-app.js';

/** Reports on every door through real clients, the evidence snapshot and its chain, and the operator's queue. */
const ADMIN = 'reports-admin-token-0123456789';
let server: TestServer;
let nextUser = 8100;
const user = async () => {
  const id = nextUser++;
  return { id, token: await server.token(id, `r${id}`) };
};
const admin = (method: string, path: string, body?: unknown) => server.api(ADMIN, method, path, body);

async function send(from: { token: string }, to: { id: number }, content: string): Promise<Message> {
  const sent = await server.api(from.token, 'POST', '/messages', { receiverId: to.id, messageType: 'TEXT', content, clientMsgId: `c-${Math.random()}` });
  expect(sent.status).toBe(201);
  return sent.body as Message;
}

/** Alice and Bob talk; Bob writes something Alice reports; Carol talks to nobody. */
async function scene() {
  const [alice, bob, carol] = [await user(), await user(), await user()];
  await send(alice, bob, 'hi');
  const offending = await send(bob, alice, 'send me money now');
  return { alice, bob, carol, offending };
}

beforeAll(async () => {
  server = await startTestServer({ PARLEY_ADMIN_TOKEN: ADMIN });
});
afterAll(async () => {
  await server?.app.shutdown();
});

describe('REST POST /reports', () => {
  it('stores the report (201) and the evidence as it was, even after the message is recalled', async () => {
    const { alice, bob, offending } = await scene();
    const filed = await server.api(alice.token, 'POST', '/reports', { userId: bob.id, reason: 'SCAM', messageIds: [offending.id], note: 'asked for money' });
    expect(filed.status).toBe(201);
    const report = filed.body as Report;
    expect(report).toEqual({ id: expect.any(Number), reporterId: alice.id, userId: bob.id, reason: 'SCAM', status: 'OPEN', createdAt: expect.any(String) });

    expect((await server.api(bob.token, 'DELETE', `/messages/${offending.id}`)).status).toBe(200);
    const detail = (await admin('GET', `/admin/reports/${report.id}`)).body as AdminReportDetail;
    expect(detail).toMatchObject({ id: report.id, conversationId: offending.conversationId, messageIds: [offending.id], note: 'asked for money', evidenceIntact: true, resolution: null });
    expect(detail.evidence.map((e) => [e.content, e.listed, e.status])).toEqual([
      ['hi', false, 'NORMAL'],
      ['send me money now', true, 'NORMAL'],
    ]);
    expect(detail.evidence[0]!.prevHash).toBe('0'.repeat(64));
    expect(detail.evidence[1]!.prevHash).toBe(detail.evidence[0]!.hash);
    expect(detail.evidenceHead).toBe(detail.evidence[1]!.hash);
  });

  it('detects a later change to the stored snapshot', async () => {
    const { alice, bob, offending } = await scene();
    const report = (await server.api(alice.token, 'POST', '/reports', { userId: bob.id, reason: 'HARASSMENT', messageIds: [offending.id] })).body as Report;
    await server.app.db.query(`UPDATE reports SET evidence = jsonb_set(evidence, '{1,content}', '"something nicer"') WHERE id = $1`, [report.id]);
    expect((await admin('GET', `/admin/reports/${report.id}`)).body).toMatchObject({ evidenceIntact: false });
  });

  it('refuses yourself, a user you share no conversation with, a message of another conversation and an unknown reason', async () => {
    const { alice, bob, carol, offending } = await scene();
    const dave = await user();
    const other = await send(carol, dave, 'unrelated');
    expect(await server.api(alice.token, 'POST', '/reports', { userId: alice.id, reason: 'SPAM' })).toMatchObject({ status: 400, body: { error: { code: 'VALIDATION_FAILED' } } });
    expect(await server.api(carol.token, 'POST', '/reports', { userId: bob.id, reason: 'SPAM' })).toMatchObject({ status: 404, body: { error: { code: 'CONVERSATION_NOT_FOUND' } } });
    expect(await server.api(alice.token, 'POST', '/reports', { userId: bob.id, reason: 'SPAM', messageIds: [offending.id, other.id] })).toMatchObject({
      status: 404,
      body: { error: { code: 'MESSAGE_NOT_FOUND' } },
    });
    expect(await server.api(alice.token, 'POST', '/reports', { userId: bob.id, reason: 'RUDE' })).toMatchObject({ status: 400, body: { error: { code: 'VALIDATION_FAILED' } } });
    expect(await server.api(alice.token, 'POST', '/reports', { userId: bob.id, reason: 'OTHER', note: 'x'.repeat(501) })).toMatchObject({ status: 400 });
  });
});

describe('STOMP SEND /app/chat.report', () => {
  it('answers the report on /user/queue/reports, and errors on /user/queue/errors', async () => {
    const { alice, bob, carol, offending } = await scene();
    await using reporter = await new StompUser(server.url, { token: alice.token }).connect();
    await reporter.subscribe('/user/queue/reports', '/user/queue/errors');
    await reporter.publish('/app/chat.report', { userId: bob.id, reason: 'SPAM', messageIds: [offending.id] });
    expect(reporter.bodies('/user/queue/reports')).toEqual([expect.objectContaining({ reporterId: alice.id, userId: bob.id, reason: 'SPAM', status: 'OPEN' })]);
    await reporter.publish('/app/chat.report', { userId: carol.id, reason: 'SPAM' });
    expect(reporter.bodies('/user/queue/errors')).toEqual([expect.objectContaining({ code: 'CONVERSATION_NOT_FOUND', destination: '/app/chat.report' })]);
  });
});

describe('SignalR Report(dto)', () => {
  it('completes with the report, and fails with the code', async () => {
    const { alice, bob, carol } = await scene();
    await using a = await SignalRUser.start(server.url, alice.token);
    expect(await a.invoke('Report', { userId: bob.id, reason: 'UNDERAGE' })).toEqual(expect.objectContaining({ reporterId: alice.id, userId: bob.id, reason: 'UNDERAGE', status: 'OPEN' }));
    await expect(a.invoke('Report', { userId: carol.id, reason: 'SPAM' })).rejects.toThrow(/CONVERSATION_NOT_FOUND/);
    await expect(a.invoke('Report', { userId: bob.id })).rejects.toThrow(/VALIDATION_FAILED/);
  });
});

describe('the admin queue', () => {
  it('lists by status newest first with a cursor, resolves with a restriction, and answers REPORT_NOT_FOUND', async () => {
    const { alice, bob } = await scene();
    const first = (await server.api(alice.token, 'POST', '/reports', { userId: bob.id, reason: 'SPAM' })).body as Report;
    const second = (await server.api(alice.token, 'POST', '/reports', { userId: bob.id, reason: 'SCAM' })).body as Report;
    const page = (await admin('GET', '/admin/reports?status=OPEN&limit=1')).body;
    expect(page.items.map((r: Report) => r.id)).toEqual([second.id]);
    expect(page.nextBefore).toBe(second.id);
    const next = (await admin('GET', `/admin/reports?status=OPEN&limit=1&before=${page.nextBefore}`)).body;
    expect(next.items.map((r: Report) => r.id)).toEqual([first.id]);

    const resolved = await admin('POST', `/admin/reports/${second.id}/resolve`, { action: 'MUTE', hours: 2, note: 'scam attempt' });
    expect(resolved).toMatchObject({ status: 200, body: { id: second.id, status: 'RESOLVED', resolution: { action: 'MUTE', hours: 2, note: 'scam attempt' } } });
    const profile = (await admin('GET', `/admin/users/${bob.id}`)).body;
    expect(profile.restriction).toMatchObject({ kind: 'MUTE', reason: 'scam attempt', source: 'ADMIN' });
    expect(Date.parse(profile.restriction.until) - Date.now()).toBeGreaterThan(3_600_000);
    expect((await admin('GET', '/admin/reports?status=RESOLVED')).body.items.map((r: Report) => r.id)).toContain(second.id);

    expect(await admin('GET', '/admin/reports/999999999')).toMatchObject({ status: 404, body: { error: { code: 'REPORT_NOT_FOUND' } } });
    expect(await admin('POST', '/admin/reports/999999999/resolve', { action: 'DISMISS' })).toMatchObject({ status: 404, body: { error: { code: 'REPORT_NOT_FOUND' } } });
    expect(await server.api(alice.token, 'GET', '/admin/reports')).toMatchObject({ status: 401 });
  });

  it('counts reports and restrictions in /metrics', async () => {
    const text = (await server.api('', 'GET', '/metrics')).body as string;
    expect(text).toMatch(/parley_reports_total\{reason="SCAM"\} [1-9]/);
    expect(text).toMatch(/parley_restrictions_total\{kind="MUTE",source="ADMIN"\} [1-9]/);
  });
});

describe('automatic mute', () => {
  it('mutes a user reported by enough distinct users within a day, until an operator dismisses', async () => {
    await using auto = await startTestServer({ PARLEY_ADMIN_TOKEN: ADMIN, PARLEY_REPORTS_AUTO_MUTE: '2' });
    const ids = [8900, 8901, 8902];
    const [target, r1, r2] = await Promise.all(ids.map(async (id) => ({ id, token: await auto.token(id) })));
    for (const reporter of [r1!, r2!]) {
      expect((await auto.api(reporter.token, 'POST', '/messages', { receiverId: target!.id, messageType: 'TEXT', content: 'hello', clientMsgId: `a${reporter.id}` })).status).toBe(201);
    }
    const one = (await auto.api(r1!.token, 'POST', '/reports', { userId: target!.id, reason: 'SPAM' })).body as Report;
    // The same reporter twice is still one reporter.
    await auto.api(r1!.token, 'POST', '/reports', { userId: target!.id, reason: 'SPAM' });
    expect((await auto.api(ADMIN, 'GET', `/admin/users/${target!.id}`)).body.restriction).toBeNull();
    await auto.api(r2!.token, 'POST', '/reports', { userId: target!.id, reason: 'SCAM' });
    expect((await auto.api(ADMIN, 'GET', `/admin/users/${target!.id}`)).body.restriction).toMatchObject({ kind: 'MUTE', until: null, source: 'AUTO' });
    expect(await auto.api(target!.token, 'POST', '/messages/exchange', { receiverId: r1!.id, kind: 'WECHAT' })).toMatchObject({ status: 403, body: { error: { code: 'USER_MUTED' } } });

    expect((await auto.api(ADMIN, 'POST', `/admin/reports/${one.id}/resolve`, { action: 'DISMISS' })).status).toBe(200);
    expect((await auto.api(ADMIN, 'GET', `/admin/users/${target!.id}`)).body.restriction).toBeNull();
  });
});
