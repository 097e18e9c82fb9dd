/**
 * Offline notifications through the webhook channel and event webhooks, on a real server with a
 * local HTTP receiver in place of the host application: one signed notification per burst to an
 * offline receiver, none to a connected one or for a muted conversation, retries with the same
 * delivery id, 4xx ends it, a notification whose messages were recalled is dropped, and events
 * arrive in order with their own secret.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { verifySignature } from '../../src/http-signing/hmac-signature.js';
import { eventually, startTestServer, type TestServer } from '../support/test-app.js';
import { StompUser } from '../support/stomp-client.js';
import { WebhookReceiver } from '../support/webhook-receiver.js';

const HOOK_SECRET = 'notification-secret';
const EVENTS_SECRET = 'events-secret';
const ADMIN = 'admin-token-for-notifications';

const disposables: AsyncDisposable[] = [];
afterEach(async () => {
  for (const d of disposables.splice(0).reverse()) await d[Symbol.asyncDispose]();
});

async function setup(env: Record<string, string> = {}): Promise<{ server: TestServer; receiver: WebhookReceiver }> {
  const receiver = await WebhookReceiver.start();
  disposables.push(receiver);
  const server = await startTestServer({
    PARLEY_WEBHOOK_URL: `${receiver.url}/notify`,
    PARLEY_WEBHOOK_SECRET: HOOK_SECRET,
    PARLEY_PUSH_COALESCE_MS: '300',
    PARLEY_OUTBOX_POLL_MS: '50',
    PARLEY_ADMIN_TOKEN: ADMIN,
    ...env,
  });
  disposables.push(server);
  return { server, receiver };
}

let sends = 0;
const send = (server: TestServer, token: string, receiverId: number, content: string) =>
  server.api(token, 'POST', '/messages', { receiverId, messageType: 'TEXT', content, clientMsgId: `send-${++sends}` });

/** Ends every coalescing window now: the test decides when "later" is, not the machine's speed. */
const windowsPass = (server: TestServer) => server.app.db.query('UPDATE notifications SET due_at = now() WHERE collecting');

const notifications = async (server: TestServer, status?: string) =>
  (await server.api(ADMIN, 'GET', `/admin/notifications${status ? `?status=${status}` : ''}`)).body.items as any[];

describe('webhook notifications', () => {
  it('sends one signed notification for a burst of messages to an offline receiver', { timeout: 180_000 }, async () => {
    const { server, receiver } = await setup({ PARLEY_PUSH_PREVIEW: 'full', PARLEY_PUSH_COALESCE_MS: '3600000' });
    const alice = await server.token(1, 'Alice');
    await server.token(2, 'Bob');
    for (const content of ['one', 'two', 'three']) expect((await send(server, alice, 2, content)).status).toBe(201);
    await windowsPass(server);

    const [hook] = await eventually(() => (receiver.at('/notify').length > 0 ? receiver.at('/notify') : null), 'the notification');
    expect(hook!.body).toMatchObject({
      event: 'notification',
      userId: 2,
      senderId: 1,
      senderName: 'Alice',
      count: 3,
      preview: { title: 'Alice', body: 'three' },
      unreadTotal: 3,
    });
    expect(hook!.headers['x-parley-delivery']).toBe(hook!.body.id);
    expect(verifySignature(HOOK_SECRET, String(hook!.headers['x-parley-timestamp']), String(hook!.headers['x-parley-signature']), hook!.raw, Date.now())).toBe(true);
    const [listed] = await eventually(async () => {
      const sent = await notifications(server, 'SENT');
      return sent.length > 0 ? sent : null;
    }, 'the notification listed as SENT');
    expect(listed).toMatchObject({ id: hook!.body.id, userId: 2, count: 3, status: 'SENT', deliveries: [{ channel: 'webhook', status: 'SENT', attempts: 1 }] });
    expect(receiver.at('/notify')).toHaveLength(1);
  });

  it('retries a 500 with the same delivery id, and gives up at once on a 400', { timeout: 180_000 }, async () => {
    const { server, receiver } = await setup();
    receiver.answers.push(500, 200);
    const alice = await server.token(1, 'Alice');
    await server.token(2);
    await send(server, alice, 2, 'retry me');
    const hooks = await eventually(() => (receiver.at('/notify').length >= 2 ? receiver.at('/notify') : null), 'the retry', 15_000);
    expect(hooks.map((h) => h.headers['x-parley-delivery'])).toEqual([hooks[0]!.body.id, hooks[0]!.body.id]);
    await eventually(async () => (await notifications(server, 'SENT')).length === 1, 'SENT after the retry');

    receiver.answers.push(400);
    const carol = await server.token(3, 'Carol');
    await send(server, carol, 2, 'refused');
    const [failed] = await eventually(async () => {
      const list = await notifications(server, 'FAILED');
      return list.length > 0 ? list : null;
    }, 'the refused notification FAILED');
    expect(failed.deliveries).toEqual([expect.objectContaining({ channel: 'webhook', status: 'FAILED', attempts: 1, lastError: 'the webhook answered HTTP 400' })]);
    expect(receiver.at('/notify').filter((h) => h.body.senderId === 3)).toHaveLength(1);
  });

  it('does not notify a receiver who is connected, nor for a conversation the receiver muted', { timeout: 180_000 }, async () => {
    const { server, receiver } = await setup({ PARLEY_PUSH_COALESCE_MS: '3600000' });
    const alice = await server.token(1, 'Alice');
    const bob = await server.token(2, 'Bob');
    const online = new StompUser(server.url, { token: bob });
    disposables.push(online);
    await online.connect();
    await online.subscribe('/user/queue/messages');
    await send(server, alice, 2, 'you are here');
    await eventually(() => online.received.get('/user/queue/messages')?.length === 1, 'the live message');
    await online[Symbol.asyncDispose]();
    await eventually(async () => {
      const list = await server.api(alice, 'GET', '/messages/conversations');
      return list.body.items.every((c: any) => c.peer.online === false);
    }, 'Bob offline');

    const stored = await send(server, alice, 2, 'muted now');
    await server.app.db.query('UPDATE conversation_members SET muted = true WHERE user_id = 2 AND conversation_id = $1', [stored.body.conversationId]);
    await send(server, alice, 2, 'after the mute');
    const carol = await server.token(3, 'Carol');
    await send(server, carol, 2, 'not muted');
    await windowsPass(server);
    await eventually(() => receiver.at('/notify').some((h) => h.body.senderId === 3), 'the notification of the unmuted conversation');
    // The message sent between the disconnect and the mute was notifiable; the mute before the
    // notification went out dropped it. The live message made none.
    const fromAlice = await eventually(async () => {
      const list = (await notifications(server)).filter((n) => n.senderId === 1);
      return list.every((n) => n.status !== 'PENDING') ? list : null;
    }, 'Alice\'s notification settled');
    expect(fromAlice.map((n) => [n.status, n.dropReason])).toEqual([['DROPPED', 'muted']]);
    expect(receiver.at('/notify').filter((h) => h.body.senderId === 1)).toEqual([]);
  });

  it('drops a notification whose messages were all recalled before it was sent', { timeout: 180_000 }, async () => {
    const { server, receiver } = await setup({ PARLEY_PUSH_COALESCE_MS: '3600000' });
    const alice = await server.token(1, 'Alice');
    await server.token(2);
    const stored = await send(server, alice, 2, 'oops');
    expect((await server.api(alice, 'DELETE', `/messages/${stored.body.id}`)).status).toBe(200);
    await windowsPass(server);
    const [dropped] = await eventually(async () => {
      const list = await notifications(server, 'DROPPED');
      return list.length > 0 ? list : null;
    }, 'the dropped notification');
    expect(dropped).toMatchObject({ userId: 2, status: 'DROPPED', dropReason: 'recalled' });
    expect(receiver.at('/notify')).toEqual([]);
  });
});

describe('event webhooks', () => {
  it('posts message, read and recall events of a conversation in order, signed with the events secret', { timeout: 180_000 }, async () => {
    const receiver = await WebhookReceiver.start();
    disposables.push(receiver);
    const server = await startTestServer({
      PARLEY_EVENTS_URL: `${receiver.url}/events`,
      PARLEY_EVENTS_SECRET: EVENTS_SECRET,
      PARLEY_EVENTS: 'message.created,message.recalled,conversation.read',
      PARLEY_OUTBOX_POLL_MS: '50',
    });
    disposables.push(server);
    // The first event fails once: the ones after it in the conversation wait for its retry.
    receiver.answers.push(503);
    const alice = await server.token(1, 'Alice');
    const bob = await server.token(2, 'Bob');
    const first = await send(server, alice, 2, 'first');
    const second = await send(server, alice, 2, 'second');
    await server.api(bob, 'PUT', `/messages/read/${first.body.conversationId}`, {});
    await server.api(alice, 'DELETE', `/messages/${second.body.id}`);

    const hooks = await eventually(() => (receiver.at('/events').length >= 5 ? receiver.at('/events') : null), 'the events', 15_000);
    expect(hooks.map((h) => h.body.event)).toEqual(['message.created', 'message.created', 'message.created', 'conversation.read', 'message.recalled']);
    expect(hooks[0]!.body.id).toBe(hooks[1]!.body.id);
    expect(hooks[1]!.body.data.message).toMatchObject({ id: first.body.id, content: 'first', senderId: 1, receiverId: 2 });
    expect(hooks[3]!.body.data).toEqual({ conversationId: first.body.conversationId, readerId: 2, readUpToSeq: 2 });
    expect(hooks[4]!.body.data).toMatchObject({ messageId: second.body.id, seq: 2 });
    for (const hook of hooks) {
      expect(hook.headers['x-parley-delivery']).toBe(hook.body.id);
      expect(verifySignature(EVENTS_SECRET, String(hook.headers['x-parley-timestamp']), String(hook.headers['x-parley-signature']), hook.raw, Date.now())).toBe(true);
    }
  });
});
