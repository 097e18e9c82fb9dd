import type { Conversation, Message, SyncEvent } from '@parley/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SignalRUser } from '../support/signalr-client.js';
import { StompUser } from '../support/stomp-client.js';
import { startTestServer, type TestServer } from '../support/test-app.js';

/**
 * Read-receipt privacy through real clients (STOMP, SignalR, REST): reciprocal, as in WhatsApp.
 * While either side has read receipts off, neither side's read marks reach the other — no push,
 * no entry in their update log, `peerReadUpToSeq` null and their sent messages not shown as read
 * on both sides — and the reader's own devices and unread counts work as before.
 *
 * "No push" is proved with a fence: after the read, the reader sends a message to the peer on
 * the same path; a read push would have reached the peer's connection before it.
 */
let server: TestServer;
let nextUser = 7600;
const user = async () => {
  const id = nextUser++;
  return { id, token: await server.token(id, `r${id}`) };
};

beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  await server?.app.shutdown();
});

const send = async (from: { token: string }, to: { id: number }, content: string): Promise<Message> => {
  const sent = await server.api(from.token, 'POST', '/messages', { receiverId: to.id, messageType: 'TEXT', content, clientMsgId: `${content}-${Math.random()}` });
  expect(sent.status).toBe(201);
  return sent.body as Message;
};
const listOf = async (who: { token: string }): Promise<Conversation> => ((await server.api(who.token, 'GET', '/messages/conversations')).body as { items: Conversation[] }).items[0]!;
const readEvents = async (who: { token: string }) =>
  ((await server.api(who.token, 'GET', '/sync?since=0')).body as { events: SyncEvent[] }).events.filter((e) => e.type === 'read').map((e) => e.data);

describe('GET/PUT /users/me/settings', () => {
  it('answers readReceipts, on by default, and keeps a field left out', async () => {
    const alice = await user();
    expect(await server.api(alice.token, 'GET', '/users/me/settings')).toMatchObject({ status: 200, body: { readReceipts: true } });
    expect(await server.api(alice.token, 'PUT', '/users/me/settings', { readReceipts: false })).toMatchObject({ status: 200, body: { readReceipts: false } });
    expect(await server.api(alice.token, 'PUT', '/users/me/settings', {})).toMatchObject({ status: 200, body: { readReceipts: false } });
    expect(await server.api(alice.token, 'GET', '/users/me/settings')).toMatchObject({ status: 200, body: { readReceipts: false } });
    expect(await server.api(alice.token, 'PUT', '/users/me/settings', { readReceipts: 'no' })).toMatchObject({ status: 400, body: { error: { code: 'VALIDATION_FAILED' } } });
    expect((await server.api('', 'GET', '/users/me/settings')).status).toBe(401);
  });
});

describe('read receipts turned off', () => {
  it("on one side hide both sides' read marks, on every door, until turned on again", async () => {
    const [alice, bob] = [await user(), await user()];
    await using aliceStomp = await new StompUser(server.url, { token: alice.token }).connect();
    await aliceStomp.subscribe('/user/queue/read', '/user/queue/messages', '/user/queue/errors');
    await using aliceHub = await SignalRUser.start(server.url, alice.token);
    await using bobHub = await SignalRUser.start(server.url, bob.token);

    // Shared: Bob's read reaches Alice.
    const first = await send(alice, bob, 'one');
    await bobHub.invoke('MarkAsRead', first.conversationId);
    await aliceStomp.next('/user/queue/read', (r: { readerId: number }) => r.readerId === bob.id);
    expect(await listOf(alice)).toMatchObject({ peerReadUpToSeq: 1 });

    expect(await server.api(alice.token, 'PUT', '/users/me/settings', { readReceipts: false })).toMatchObject({ status: 200, body: { readReceipts: false } });

    // Bob (receipts on) reads Alice's next message: Alice no longer sees it.
    await send(alice, bob, 'two');
    await bobHub.invoke('MarkAsRead', first.conversationId);
    await bobHub.invoke('SendMessage', { receiverId: alice.id, messageType: 1, content: 'fence from Bob', tempId: 'fence-b' });
    await aliceStomp.next('/user/queue/messages', (m: Message) => m.content === 'fence from Bob');
    expect(aliceStomp.bodies('/user/queue/read')).toEqual([{ conversationId: first.conversationId, readerId: bob.id, readUpToSeq: 1 }]);
    expect(await readEvents(alice)).toEqual([{ conversationId: first.conversationId, readerId: bob.id, readUpToSeq: 1 }]);
    // Bob's own mark still counts for Bob: his unread count, and his read entry in his log.
    expect(await listOf(bob)).toMatchObject({ unreadCount: 0, myReadUpToSeq: 2, peerReadUpToSeq: null });
    expect(await readEvents(bob)).toContainEqual({ conversationId: first.conversationId, readerId: bob.id, readUpToSeq: 2 });
    // Neither side is shown the other's read state.
    expect(await listOf(alice)).toMatchObject({ peerReadUpToSeq: null });
    const aliceHistory = (await server.api(alice.token, 'GET', `/messages/history/${bob.id}`)).body as { items: Message[] };
    expect(aliceHistory.items.map((m) => [m.content, m.isRead])).toEqual([
      ['one', false],
      ['two', false],
      ['fence from Bob', false],
    ]);
    expect((await server.api(alice.token, 'GET', `/messages/${first.id}`)).body).toMatchObject({ id: first.id, isRead: false });
    const bobHistory = (await server.api(bob.token, 'GET', `/messages/history/${alice.id}`)).body as { items: Message[] };
    expect(bobHistory.items.map((m) => [m.content, m.isRead])).toEqual([
      ['one', true],
      ['two', true],
      ['fence from Bob', false],
    ]);

    // Alice (receipts off) reads Bob's message over STOMP: Bob is not told; Alice's other device is.
    await aliceStomp.publish('/app/chat.read', { conversationId: first.conversationId });
    await aliceHub.next('MessagesRead', (r: { readerId: number }) => r.readerId === alice.id);
    await aliceStomp.publish('/app/chat.send', { receiverId: bob.id, messageType: 'TEXT', content: 'fence from Alice', clientMsgId: 'fence-a' });
    await bobHub.next('ReceiveMessage', (m: { content: string }) => m.content === 'fence from Alice');
    expect(bobHub.of('MessagesRead').filter((r: { readerId: number }) => r.readerId === alice.id)).toEqual([]);
    expect((await readEvents(bob)).filter((r) => r.readerId === alice.id)).toEqual([]);
    expect(await listOf(alice)).toMatchObject({ unreadCount: 0, myReadUpToSeq: 3 });
    expect(aliceStomp.messages('/user/queue/errors')).toEqual([]);

    // On again: Bob's next read reaches Alice, and the list shows the marks again.
    expect(await server.api(alice.token, 'PUT', '/users/me/settings', { readReceipts: true })).toMatchObject({ status: 200, body: { readReceipts: true } });
    await bobHub.invoke('MarkAsRead', first.conversationId);
    await aliceStomp.next('/user/queue/read', (r: { readerId: number; readUpToSeq: number }) => r.readerId === bob.id && r.readUpToSeq === 4);
    expect(await listOf(alice)).toMatchObject({ peerReadUpToSeq: 4, myReadUpToSeq: 3 });
    expect(await listOf(bob)).toMatchObject({ peerReadUpToSeq: 3, myReadUpToSeq: 4 });
  });

  it("on the peer's side hide my read marks from the peer and theirs from me", async () => {
    const [alice, bob] = [await user(), await user()];
    expect((await server.api(bob.token, 'PUT', '/users/me/settings', { readReceipts: false })).status).toBe(200);
    await using aliceHub = await SignalRUser.start(server.url, alice.token);
    aliceHub.connection.on('MessageEdited', (arg: unknown) => aliceHub.of('MessageEdited').push(arg));
    await using bobStomp = await new StompUser(server.url, { token: bob.token }).connect();
    await bobStomp.subscribe('/user/queue/read', '/user/queue/messages', '/user/queue/edits');

    const toAlice = await send(bob, alice, 'hi Alice');
    await aliceHub.invoke('MarkAsRead', toAlice.conversationId);
    await aliceHub.invoke('SendMessage', { receiverId: bob.id, messageType: 1, content: 'fence', tempId: 'fence' });
    await bobStomp.next('/user/queue/messages', (m: Message) => m.content === 'fence');
    expect(bobStomp.bodies('/user/queue/read')).toEqual([]);
    expect(await listOf(bob)).toMatchObject({ peerReadUpToSeq: null });
    expect(await listOf(alice)).toMatchObject({ peerReadUpToSeq: null, myReadUpToSeq: 1 });
    expect(((await server.api(bob.token, 'GET', `/messages/history/${alice.id}`)).body as { items: Message[] }).items[0]).toMatchObject({ content: 'hi Alice', isRead: false });

    // An edit does not tell its sender either: the answer and Bob's push say unread, Alice's own mark stays.
    const edited = await server.api(bob.token, 'PATCH', `/messages/${toAlice.id}`, { content: 'hi again Alice' });
    expect(edited).toMatchObject({ status: 200, body: { content: 'hi again Alice', isRead: false } });
    expect((await bobStomp.next('/user/queue/edits', (m: Message) => m.id === toAlice.id)).body).toMatchObject({ isRead: false });
    expect(await aliceHub.next('MessageEdited', (m: { id: number }) => m.id === toAlice.id)).toMatchObject({ isRead: true });
  });
});
