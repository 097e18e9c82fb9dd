import type { ConversationPage, HistoryPage, Message, SyncPage } from '@parley/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SignalRUser } from '../support/signalr-client.js';
import { StompUser } from '../support/stomp-client.js';
import { eventually, startTestServer, type TestServer } from '../support/test-app.js';

/**
 * "Me" operations through real clients on every door — delete for me, pin / mute / archive,
 * clear — each seen by the actor's other devices (any door), never by the peer, and replayed by
 * /sync exactly once and in order; and the conversation list and unread total they shape.
 */
let server: TestServer;
let nextUser = 8100;
const user = async () => {
  const id = nextUser++;
  return { id, token: await server.token(id, `c${id}`) };
};
type User = Awaited<ReturnType<typeof user>>;

const ME_QUEUES = ['/user/queue/hides', '/user/queue/conversations', '/user/queue/messages', '/user/queue/errors'];

async function say(from: User, to: User, content: string): Promise<Message> {
  const sent = await server.api(from.token, 'POST', '/messages', { receiverId: to.id, messageType: 'TEXT', content, clientMsgId: `${from.id}-${content}` });
  expect(sent.status).toBe(201);
  const { userSeq: _userSeq, ...message } = sent.body as Message & { userSeq: number };
  return message as Message;
}

/** Alice and Bob wrote to each other; Alice has a STOMP and a SignalR device watching, Bob one of each too. */
async function scene() {
  const [alice, bob] = [await user(), await user()];
  const first = await say(alice, bob, 'hello');
  const second = await say(bob, alice, 'hi there');
  return { alice, bob, first, second, conversationId: first.conversationId };
}

/** The hub events of the "me" operations are recorded like the others (the helper records the older ones). */
async function hubUser(token: string): Promise<SignalRUser> {
  const u = new SignalRUser(server.url, token);
  for (const name of ['MessageHidden', 'ConversationChanged']) u.connection.on(name, (arg: unknown) => u.of(name).push(arg));
  await u.connection.start();
  return u;
}

async function sync(token: string, since: number): Promise<SyncPage> {
  const got = await server.api(token, 'GET', `/sync?since=${since}`);
  expect(got.status).toBe(200);
  return got.body as SyncPage;
}

const list = async (token: string, query = ''): Promise<ConversationPage> => (await server.api(token, 'GET', `/messages/conversations${query}`)).body;
const history = async (token: string, peerId: number): Promise<string[]> =>
  ((await server.api(token, 'GET', `/messages/history/${peerId}`)).body as HistoryPage).items.map((m) => m.content);

/**
 * The peer saw none of it: a message sent now reaches Bob's devices, and nothing of the
 * "me" kinds arrived before it.
 */
async function peerSawNothing(alice: User, bob: User, bobStomp: StompUser, bobHub: SignalRUser) {
  const marker = await say(alice, bob, `marker-${Math.random()}`);
  await bobStomp.next('/user/queue/messages', (m: Message) => m.id === marker.id);
  await bobHub.next('ReceiveMessage', (m) => m.id === marker.id);
  expect(bobStomp.messages('/user/queue/hides')).toEqual([]);
  expect(bobStomp.messages('/user/queue/conversations')).toEqual([]);
  expect(bobHub.of('MessageHidden')).toEqual([]);
  expect(bobHub.of('ConversationChanged')).toEqual([]);
}

beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  await server?.app.shutdown();
});

describe('REST', () => {
  it('hides a message for me: my other devices hear of it, my history and lookups lose it, the peer keeps it', async () => {
    const { alice, bob, second, conversationId } = await scene();
    await using aliceStomp = await new StompUser(server.url, { token: alice.token }).connect();
    await aliceStomp.subscribe(...ME_QUEUES);
    await using aliceHub = await hubUser(alice.token);
    await using bobStomp = await new StompUser(server.url, { token: bob.token }).connect();
    await bobStomp.subscribe(...ME_QUEUES);
    await using bobHub = await hubUser(bob.token);

    const hidden = await server.api(alice.token, 'POST', `/messages/${second.id}/hide`);
    expect(hidden.status).toBe(200);
    expect(hidden.body).toEqual({ conversationId, messageId: second.id, seq: 2, userSeq: 3 });
    const { message } = await aliceStomp.next('/user/queue/hides');
    expect(JSON.parse(message.body)).toEqual({ conversationId, messageId: second.id, seq: 2 });
    expect(message.headers['user-seq']).toBe('3');
    expect(await aliceHub.next('MessageHidden')).toEqual({ sessionId: conversationId, messageId: second.id, seq: 2, userSeq: 3 });

    expect(await history(alice.token, bob.id)).toEqual(['hello']);
    expect(await history(bob.token, alice.id)).toEqual(['hello', 'hi there']);
    expect((await server.api(alice.token, 'GET', `/messages/${second.id}`)).body).toMatchObject({ error: { code: 'MESSAGE_NOT_FOUND' } });
    expect((await server.api(bob.token, 'GET', `/messages/${second.id}`)).status).toBe(200);
    expect((await list(alice.token)).items[0]!.lastMessage).toMatchObject({ content: 'hello' });

    // Again: the same answer without a log position, and nothing pushed.
    expect(await server.api(alice.token, 'POST', `/messages/${second.id}/hide`)).toMatchObject({ status: 200, body: { conversationId, messageId: second.id, seq: 2 } });
    expect((await server.api(alice.token, 'POST', `/messages/${second.id}/hide`)).body).not.toHaveProperty('userSeq');
    await peerSawNothing(alice, bob, bobStomp, bobHub);
    expect(aliceStomp.messages('/user/queue/hides')).toHaveLength(1);
    expect(aliceHub.of('MessageHidden')).toHaveLength(1);

    const stranger = await user();
    expect(await server.api(stranger.token, 'POST', `/messages/${second.id}/hide`)).toMatchObject({ status: 404, body: { error: { code: 'MESSAGE_NOT_FOUND' } } });
  });

  it('pins, mutes and archives for me: the list orders and filters by them, my devices hear of each change once', async () => {
    const [me, x, y, z] = [await user(), await user(), await user(), await user()];
    const withX = (await say(x, me, 'from x')).conversationId;
    const withY = (await say(y, me, 'from y')).conversationId;
    const withZ = (await say(z, me, 'from z')).conversationId;
    await using device = await new StompUser(server.url, { token: me.token }).connect();
    await device.subscribe(...ME_QUEUES);

    const pinned = await server.api(me.token, 'PATCH', `/messages/conversations/${withX}`, { pinned: true });
    expect(pinned).toMatchObject({ status: 200, body: { conversationId: withX, pinned: true, muted: false, archived: false, userSeq: 4 } });
    const archived = await server.api(me.token, 'PATCH', `/messages/conversations/${withZ}`, { archived: true, muted: true });
    expect(archived.body).toEqual({ conversationId: withZ, pinned: false, muted: true, archived: true, userSeq: 5 });
    const same = await server.api(me.token, 'PATCH', `/messages/conversations/${withX}`, { pinned: true, archived: false });
    expect(same.body).toEqual({ conversationId: withX, pinned: true, muted: false, archived: false });

    await eventually(() => device.messages('/user/queue/conversations').length === 2, 'two conversation pushes');
    expect(device.bodies('/user/queue/conversations')).toEqual([
      { conversationId: withX, pinned: true, muted: false, archived: false },
      { conversationId: withZ, pinned: false, muted: true, archived: true },
    ]);
    expect(device.messages('/user/queue/conversations').map((m) => m.headers['user-seq'])).toEqual(['4', '5']);

    const page = await list(me.token);
    expect(page.items.map((c) => [c.peer.id, c.pinned, c.muted, c.archived])).toEqual([
      [x.id, true, false, false],
      [y.id, false, false, false],
    ]);
    expect(page.unreadTotal).toBe(3);
    expect((await list(me.token, '?archived=true')).items.map((c) => [c.peer.id, c.archived, c.muted])).toEqual([[z.id, true, true]]);
    expect(await server.api(me.token, 'GET', '/messages/unread')).toMatchObject({ status: 200, body: { unreadTotal: 3 } });

    // A new message: muted and archived stays archived; unmuted comes back.
    await say(z, me, 'still archived');
    expect((await list(me.token)).items.map((c) => c.peer.id)).toEqual([x.id, y.id]);
    await server.api(me.token, 'PATCH', `/messages/conversations/${withY}`, { archived: true });
    await say(y, me, 'back again');
    expect((await list(me.token)).items.map((c) => c.peer.id)).toEqual([x.id, y.id]);
    expect((await list(me.token)).items[1]).toMatchObject({ archived: false, unreadCount: 2 });

    // Pages: the cursor carries the pin.
    const first = await list(me.token, '?limit=1');
    expect(first.items.map((c) => c.peer.id)).toEqual([x.id]);
    expect((await list(me.token, `?limit=1&before=${first.nextBefore}`)).items.map((c) => c.peer.id)).toEqual([y.id]);
  });

  it('clears a conversation for me: history gone, unread 0, off my list until a new message', async () => {
    const { alice, bob, conversationId } = await scene();
    await using aliceHub = await hubUser(alice.token);
    const cleared = await server.api(alice.token, 'DELETE', `/messages/conversations/${conversationId}`);
    expect(cleared).toMatchObject({ status: 200, body: { conversationId, clearedUpToSeq: 2, userSeq: 3 } });
    expect(await aliceHub.next('ConversationChanged')).toEqual({ sessionId: conversationId, clearedUpToSeq: 2, userSeq: 3 });
    expect(await history(alice.token, bob.id)).toEqual([]);
    expect(await history(bob.token, alice.id)).toEqual(['hello', 'hi there']);
    expect((await list(alice.token)).items).toEqual([]);
    expect((await server.api(alice.token, 'GET', '/messages/unread')).body).toEqual({ unreadTotal: 0 });
    expect((await server.api(alice.token, 'DELETE', `/messages/conversations/${conversationId}`)).body).toEqual({ conversationId, clearedUpToSeq: 2 });

    await say(bob, alice, 'after');
    expect((await list(alice.token)).items.map((c) => [c.peer.id, c.unreadCount, c.lastMessage?.content])).toEqual([[bob.id, 1, 'after']]);
    expect(await history(alice.token, bob.id)).toEqual(['after']);
  });

  it('refuses conversations that are not mine and malformed settings', async () => {
    const { conversationId } = await scene();
    const stranger = await user();
    expect(await server.api(stranger.token, 'PATCH', `/messages/conversations/${conversationId}`, { pinned: true })).toMatchObject({ status: 403, body: { error: { code: 'FORBIDDEN' } } });
    expect(await server.api(stranger.token, 'DELETE', `/messages/conversations/${conversationId + 1_000_000}`)).toMatchObject({
      status: 404,
      body: { error: { code: 'CONVERSATION_NOT_FOUND' } },
    });
    expect(await server.api(stranger.token, 'PATCH', `/messages/conversations/${conversationId}`, { pinned: 'yes' })).toMatchObject({ status: 400, body: { error: { code: 'VALIDATION_FAILED' } } });
  });
});

describe('STOMP chat.hide, chat.settings, chat.clear', () => {
  it('reach my other devices on any door, not the peer, and /sync replays them once, in order, after a disconnect', async () => {
    const { alice, bob, first, second, conversationId } = await scene();
    await using actor = await new StompUser(server.url, { token: alice.token }).connect();
    await actor.subscribe(...ME_QUEUES);
    const other = await new StompUser(server.url, { token: alice.token }).connect();
    await other.subscribe(...ME_QUEUES);
    await using aliceHub = await hubUser(alice.token);
    await using bobStomp = await new StompUser(server.url, { token: bob.token }).connect();
    await bobStomp.subscribe(...ME_QUEUES);
    await using bobHub = await hubUser(bob.token);

    await actor.publish('/app/chat.hide', { messageId: first.id });
    await actor.publish('/app/chat.settings', { conversationId, pinned: true, muted: true });
    const hide = await other.next('/user/queue/hides');
    expect(hide.body).toEqual({ conversationId, messageId: first.id, seq: 1 });
    const settings = await other.next('/user/queue/conversations');
    expect(settings.body).toEqual({ conversationId, pinned: true, muted: true, archived: false });
    expect([hide.message.headers['user-seq'], settings.message.headers['user-seq']]).toEqual(['3', '4']);
    expect(actor.bodies('/user/queue/hides')).toEqual([hide.body]);
    expect(await aliceHub.next('ConversationChanged')).toEqual({ sessionId: conversationId, pinned: true, muted: true, archived: false, userSeq: 4 });
    const lastSeen = 4;

    // The other device goes away; more changes happen meanwhile.
    await other.client.deactivate();
    await actor.publish('/app/chat.hide', { messageId: second.id });
    await actor.publish('/app/chat.settings', { conversationId, archived: true });
    await actor.publish('/app/chat.settings', { conversationId, archived: true });
    await actor.publish('/app/chat.clear', { conversationId });
    await actor.publish('/app/chat.hide', { messageId: 987_654_321 });
    await actor.publish('/app/chat.settings', { conversationId: 987_654_321, pinned: true });
    expect(actor.bodies('/user/queue/errors')).toEqual([
      { code: 'MESSAGE_NOT_FOUND', message: 'message 987654321 does not exist', destination: '/app/chat.hide' },
      { code: 'CONVERSATION_NOT_FOUND', message: 'conversation 987654321 does not exist', destination: '/app/chat.settings' },
    ]);

    const replay = await sync(alice.token, lastSeen);
    expect(replay).toEqual({
      events: [
        { userSeq: 5, type: 'hide', data: { conversationId, messageId: second.id, seq: 2 } },
        { userSeq: 6, type: 'conversation', data: { conversationId, pinned: true, muted: true, archived: true } },
        { userSeq: 7, type: 'conversation', data: { conversationId, clearedUpToSeq: 2 } },
      ],
      userSeq: 7,
      hasMore: false,
    });
    expect((await sync(alice.token, 7)).events).toEqual([]);
    await eventually(() => aliceHub.of('ConversationChanged').length === 3, 'every change on the hub');
    expect(aliceHub.of('MessageHidden').map((e) => e.userSeq)).toEqual([3, 5]);
    expect(aliceHub.of('ConversationChanged').map((e) => e.userSeq)).toEqual([4, 6, 7]);
    await peerSawNothing(alice, bob, bobStomp, bobHub);
    expect((await sync(bob.token, 0)).events.map((e) => e.type)).toEqual(['message', 'message', 'message']);
  });
});

describe('SignalR HideMessage, UpdateConversation, ClearConversation', () => {
  it('complete in the hub shapes and reach my other connections, not the peer', async () => {
    const { alice, bob, second, conversationId } = await scene();
    await using actor = await hubUser(alice.token);
    await using other = await hubUser(alice.token);
    await using otherStomp = await new StompUser(server.url, { token: alice.token }).connect();
    await otherStomp.subscribe(...ME_QUEUES);
    await using bobStomp = await new StompUser(server.url, { token: bob.token }).connect();
    await bobStomp.subscribe(...ME_QUEUES);
    await using bobHub = await hubUser(bob.token);

    expect(await actor.invoke('HideMessage', second.id)).toEqual({ sessionId: conversationId, messageId: second.id, seq: 2, userSeq: 3 });
    expect(await actor.invoke('hidemessage', second.id)).toEqual({ sessionId: conversationId, messageId: second.id, seq: 2 });
    expect(await actor.invoke('UpdateConversation', conversationId, { muted: true })).toEqual({ sessionId: conversationId, pinned: false, muted: true, archived: false, userSeq: 4 });
    expect(await actor.invoke('ClearConversation', conversationId)).toEqual({ sessionId: conversationId, clearedUpToSeq: 2, userSeq: 5 });

    expect(await other.next('MessageHidden')).toEqual({ sessionId: conversationId, messageId: second.id, seq: 2, userSeq: 3 });
    await other.next('ConversationChanged', (e) => e.userSeq === 5);
    expect(other.of('ConversationChanged')).toEqual([
      { sessionId: conversationId, pinned: false, muted: true, archived: false, userSeq: 4 },
      { sessionId: conversationId, clearedUpToSeq: 2, userSeq: 5 },
    ]);
    await otherStomp.next('/user/queue/conversations', (body: { clearedUpToSeq?: number }) => body.clearedUpToSeq === 2);
    expect(otherStomp.bodies('/user/queue/hides')).toEqual([{ conversationId, messageId: second.id, seq: 2 }]);
    await peerSawNothing(alice, bob, bobStomp, bobHub);

    await expect(actor.invoke('UpdateConversation', conversationId)).rejects.toThrow('VALIDATION_FAILED: UpdateConversation takes 2 arguments, got 1');
    await expect(actor.invoke('UpdateConversation', conversationId, { pinned: 1 })).rejects.toThrow(/VALIDATION_FAILED: settings/);
    await expect(actor.invoke('HideMessage', 987_654_321)).rejects.toThrow('MESSAGE_NOT_FOUND: message 987654321 does not exist');
    const stranger = await user();
    await using strangerHub = await hubUser(stranger.token);
    await expect(strangerHub.invoke('ClearConversation', conversationId)).rejects.toThrow(/^.*FORBIDDEN/);
  });
});
