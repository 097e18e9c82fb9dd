import { afterAll, describe, expect, it } from 'vitest';
import { eventually, startTestServer, type TestServer } from '../support/test-app.js';
import { WebhookReceiver } from '../support/webhook-receiver.js';

/** Reports, restrictions and unmatches reach the host app's event webhook, written with the change they report. */
const ADMIN = 'safety-events-admin-token-0123456789';
const disposables: AsyncDisposable[] = [];
afterAll(async () => {
  for (const d of disposables.splice(0).reverse()) await d[Symbol.asyncDispose]();
});

describe('safety events', () => {
  it('posts report.created, user.restricted (set and lifted) and conversation.unmatched', async () => {
    const receiver = await WebhookReceiver.start();
    disposables.push(receiver);
    const server: TestServer = await startTestServer({
      PARLEY_EVENTS_URL: `${receiver.url}/events`,
      PARLEY_EVENTS_SECRET: 'safety-events-secret',
      PARLEY_EVENTS: 'report.created,user.restricted,conversation.unmatched',
      PARLEY_OUTBOX_POLL_MS: '50',
      PARLEY_ADMIN_TOKEN: ADMIN,
    });
    disposables.push(server);
    const [alice, bob] = [await server.token(11, 'Alice'), await server.token(12, 'Bob')];
    const sent = await server.api(alice, 'POST', '/messages', { receiverId: 12, messageType: 'TEXT', content: 'hi', clientMsgId: 'ev-1' });
    const conversationId = sent.body.conversationId as number;

    const report = (await server.api(alice, 'POST', '/reports', { userId: 12, reason: 'SPAM', messageIds: [sent.body.id] })).body;
    expect((await server.api(ADMIN, 'PUT', '/admin/users/12/restriction', { kind: 'MUTE', reason: 'spam' })).status).toBe(200);
    expect((await server.api(ADMIN, 'DELETE', '/admin/users/12/restriction')).status).toBe(204);
    expect((await server.api(bob, 'POST', `/messages/conversations/${conversationId}/unmatch`)).status).toBe(200);

    const hooks = await eventually(() => (receiver.at('/events').length >= 4 ? receiver.at('/events') : null), 'the four events', 15_000);
    const byEvent = (name: string) => hooks.filter((h) => h.body.event === name).map((h) => h.body.data);
    expect(byEvent('report.created')).toEqual([
      { id: report.id, reporterId: 11, userId: 12, conversationId, reason: 'SPAM', messageIds: [sent.body.id], createdAt: report.createdAt },
    ]);
    expect(byEvent('user.restricted')).toEqual([
      { userId: 12, restriction: expect.objectContaining({ kind: 'MUTE', until: null, reason: 'spam', source: 'ADMIN' }) },
      { userId: 12, restriction: null },
    ]);
    expect(byEvent('conversation.unmatched')).toEqual([{ conversationId, unmatchedBy: 12, userIds: [11, 12] }]);
  });
});
