import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SignalRUser } from '../support/signalr-client.js';
import { StompUser } from '../support/stomp-client.js';
import { eventually, startTestServer, type TestServer } from '../support/test-app.js';

/** Unmatch on every door through real clients: the change reaches both users live and in /sync, nobody writes again until an operator restores it. */
const ADMIN = 'unmatch-admin-token-0123456789';
let server: TestServer;
let nextUser = 9500;
const user = async () => {
  const id = nextUser++;
  return { id, token: await server.token(id, `u${id}`) };
};

async function pair() {
  const [alice, bob] = [await user(), await user()];
  const sent = await server.api(alice.token, 'POST', '/messages', { receiverId: bob.id, messageType: 'TEXT', content: 'hi', clientMsgId: `un-${alice.id}` });
  expect(sent.status).toBe(201);
  return { alice, bob, conversationId: sent.body.conversationId as number };
}

const send = (from: { token: string }, to: { id: number }, clientMsgId: string) =>
  server.api(from.token, 'POST', '/messages', { receiverId: to.id, messageType: 'TEXT', content: 'again?', clientMsgId });

/** Both users see the change live (STOMP for Bob, SignalR for Alice) and in /sync; neither may write; the operator can still read and restore. */
async function expectUnmatched(alice: { id: number; token: string }, bob: { id: number; token: string }, conversationId: number, live: { stomp: StompUser; hub: SignalRUser; hubChanges: unknown[] }) {
  const change = { conversationId, state: 'UNMATCHED' };
  const pushed = await live.stomp.next('/user/queue/conversations', (body: any) => body.state === 'UNMATCHED');
  expect(pushed.body).toEqual(change);
  expect(pushed.message.headers['user-seq']).toMatch(/^\d+$/);
  await eventually(() => live.hubChanges.length > 0, 'ConversationChanged');
  // The hub names the conversation `sessionId`, as in every ChatHub event.
  expect(live.hubChanges[0]).toEqual({ sessionId: conversationId, state: 'UNMATCHED', userSeq: expect.any(Number) });

  for (const who of [alice, bob]) {
    const sync = (await server.api(who.token, 'GET', '/sync?since=0')).body;
    expect(sync.events.filter((e: any) => e.type === 'conversation')).toEqual([{ userSeq: expect.any(Number), type: 'conversation', data: change }]);
    const list = (await server.api(who.token, 'GET', '/messages/conversations')).body;
    expect(list.items.map((c: any) => c.id)).not.toContain(conversationId);
  }
  expect(await send(alice, bob, `after-a-${conversationId}`)).toMatchObject({ status: 403, body: { error: { code: 'BLOCKED' } } });
  expect(await send(bob, alice, `after-b-${conversationId}`)).toMatchObject({ status: 403, body: { error: { code: 'BLOCKED' } } });
  expect(await server.api(bob.token, 'POST', '/messages/exchange', { receiverId: alice.id, kind: 'PHOTO' })).toMatchObject({ status: 403, body: { error: { code: 'BLOCKED' } } });

  const audit = await server.api(ADMIN, 'GET', `/admin/conversations/${conversationId}/messages`);
  expect(audit.status).toBe(200);
  expect(audit.body.items.map((m: any) => m.content)).toEqual(['hi']);
}

async function live(alice: { token: string }, bob: { token: string }) {
  const stomp = await new StompUser(server.url, { token: bob.token }).connect();
  await stomp.subscribe('/user/queue/conversations', '/user/queue/errors');
  const hub = await SignalRUser.start(server.url, alice.token);
  const hubChanges: unknown[] = [];
  hub.connection.on('ConversationChanged', (change: unknown) => hubChanges.push(change));
  return { stomp, hub, hubChanges };
}

beforeAll(async () => {
  server = await startTestServer({ PARLEY_ADMIN_TOKEN: ADMIN });
});
afterAll(async () => {
  await server?.app.shutdown();
});

describe('REST POST /messages/conversations/{id}/unmatch', () => {
  it('unmatches for both, answers a repeat without a change, refuses a stranger, and an operator restores it', async () => {
    const { alice, bob, conversationId } = await pair();
    const carol = await user();
    const watching = await live(alice, bob);
    await using _stomp = watching.stomp;
    await using _hub = watching.hub;

    expect(await server.api(carol.token, 'POST', `/messages/conversations/${conversationId}/unmatch`)).toMatchObject({ status: 404, body: { error: { code: 'CONVERSATION_NOT_FOUND' } } });
    const done = await server.api(alice.token, 'POST', `/messages/conversations/${conversationId}/unmatch`);
    expect(done).toMatchObject({ status: 200, body: { conversationId, state: 'UNMATCHED', userSeq: expect.any(Number) } });
    await expectUnmatched(alice, bob, conversationId, watching);
    const again = await server.api(bob.token, 'POST', `/messages/conversations/${conversationId}/unmatch`);
    expect(again).toMatchObject({ status: 200, body: { conversationId, state: 'UNMATCHED' } });
    expect(again.body.userSeq).toBeUndefined();

    expect((await server.api(ADMIN, 'DELETE', `/admin/unmatches/${conversationId}`)).status).toBe(204);
    // Both users hear that the conversation is back, live and in /sync.
    expect((await watching.stomp.next('/user/queue/conversations', (body: any) => body.state === 'ACTIVE')).body).toEqual({ conversationId, state: 'ACTIVE' });
    await eventually(() => watching.hubChanges.length > 1, 'the second ConversationChanged');
    expect(watching.hubChanges[1]).toEqual({ sessionId: conversationId, state: 'ACTIVE', userSeq: expect.any(Number) });
    for (const who of [alice, bob]) {
      const sync = (await server.api(who.token, 'GET', '/sync?since=0')).body;
      expect(sync.events.filter((e: any) => e.type === 'conversation').map((e: any) => e.data.state)).toEqual(['UNMATCHED', 'ACTIVE']);
    }
    expect((await send(bob, alice, `restored-${conversationId}`)).status).toBe(201);
    expect((await server.api(alice.token, 'GET', '/messages/conversations')).body.items.map((c: any) => c.id)).toContain(conversationId);
    expect(await server.api(ADMIN, 'DELETE', `/admin/unmatches/${conversationId}`)).toMatchObject({ status: 404, body: { error: { code: 'CONVERSATION_NOT_FOUND' } } });
  });
});

describe('STOMP SEND /app/chat.unmatch', () => {
  it('unmatches, and answers a stranger on /user/queue/errors', async () => {
    const { alice, bob, conversationId } = await pair();
    const watching = await live(alice, bob);
    await using _stomp = watching.stomp;
    await using _hub = watching.hub;
    await watching.stomp.publish('/app/chat.unmatch', { conversationId: conversationId + 1_000_000 });
    expect(watching.stomp.bodies('/user/queue/errors')).toEqual([expect.objectContaining({ code: 'CONVERSATION_NOT_FOUND', destination: '/app/chat.unmatch' })]);
    await watching.stomp.publish('/app/chat.unmatch', { conversationId });
    await expectUnmatched(alice, bob, conversationId, watching);
  });
});

describe('SignalR Unmatch(conversationId)', () => {
  it('completes with the change and unmatches for both', async () => {
    const { alice, bob, conversationId } = await pair();
    const watching = await live(alice, bob);
    await using _stomp = watching.stomp;
    await using _hub = watching.hub;
    await expect(watching.hub.invoke('Unmatch', 'x')).rejects.toThrow(/VALIDATION_FAILED/);
    expect(await watching.hub.invoke('Unmatch', conversationId)).toEqual({ sessionId: conversationId, state: 'UNMATCHED', userSeq: expect.any(Number) });
    await expectUnmatched(alice, bob, conversationId, watching);
  });
});
