/**
 * Edit, reply and reactions on every door through real clients (fetch, @stomp/stompjs,
 * @microsoft/signalr): each change reaches the peer and the actor's other device, and a device
 * that was away gets each of them once, in order, from /sync.
 */
import { fromHubMessage, type Message, type ReactionNotice, type SyncEvent } from '@parley/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SignalRUser } from '../support/signalr-client.js';
import { StompUser } from '../support/stomp-client.js';
import { eventually, startTestServer, type TestServer } from '../support/test-app.js';

const HOUR = 3_600_000;
const ADMIN = 'admin-token-for-edit-tests';
let server: TestServer;
/** Added to the server's clock: moves the edit window without waiting. */
let clockShiftMs = 0;
let nextUser = 8300;

beforeAll(async () => {
  server = await startTestServer({ PARLEY_ADMIN_TOKEN: ADMIN }, { clock: { now: () => new Date(Date.now() + clockShiftMs) } });
});
afterAll(async () => {
  await server?.app.shutdown();
});

async function user() {
  const id = nextUser++;
  return { id, token: await server.token(id, `u${id}`) };
}

/** A SignalR device recording the events this feature adds, besides the ones the test client records anyway. */
async function hubDevice(token: string): Promise<SignalRUser> {
  const device = new SignalRUser(server.url, token);
  for (const name of ['MessageEdited', 'ReactionChanged']) device.connection.on(name, (arg: unknown) => device.of(name).push(arg));
  await device.connection.start();
  return device;
}

async function stompDevice(token: string): Promise<StompUser> {
  const device = await new StompUser(server.url, { token }).connect();
  return device.subscribe('/user/queue/messages', '/user/queue/edits', '/user/queue/reactions', '/user/queue/errors');
}

const withoutSeq = <T extends { userSeq?: number }>({ userSeq: _userSeq, ...rest }: T) => rest;

async function send(token: string, body: Record<string, unknown>): Promise<Message & { userSeq: number }> {
  const sent = await server.api(token, 'POST', '/messages', { messageType: 'TEXT', clientMsgId: `c-${Math.random()}`, ...body });
  expect(sent.status, JSON.stringify(sent.body)).toBe(201);
  return sent.body;
}

/** The caller's current position in their update log. */
const position = async (token: string): Promise<number> => (await server.api(token, 'GET', '/messages/conversations')).body.userSeq;

/** One way of asking for the three operations, per door. */
interface Door {
  name: string;
  edit(token: string, messageId: number, content: string): Promise<void>;
  react(token: string, messageId: number, emoji: string | null): Promise<void>;
  reply(token: string, receiverId: number, content: string, replyToId: number): Promise<void>;
}

const rest: Door = {
  name: 'REST',
  async edit(token, messageId, content) {
    const edited = await server.api(token, 'PATCH', `/messages/${messageId}`, { content });
    expect(edited.status, JSON.stringify(edited.body)).toBe(200);
  },
  async react(token, messageId, emoji) {
    const reacted = emoji === null ? await server.api(token, 'DELETE', `/messages/${messageId}/reaction`) : await server.api(token, 'PUT', `/messages/${messageId}/reaction`, { emoji });
    expect(reacted.status, JSON.stringify(reacted.body)).toBe(200);
  },
  async reply(token, receiverId, content, replyToId) {
    await send(token, { receiverId, content, replyToId });
  },
};

function stompDoor(devices: Map<string, StompUser>): Door {
  return {
    name: 'STOMP',
    edit: (token, messageId, content) => devices.get(token)!.publish('/app/chat.edit', { messageId, content }),
    react: (token, messageId, emoji) => devices.get(token)!.publish('/app/chat.react', { messageId, emoji }),
    reply: (token, receiverId, content, replyToId) =>
      devices.get(token)!.publish('/app/chat.send', { receiverId, messageType: 'TEXT', content, clientMsgId: `s-${Math.random()}`, replyToId }),
  };
}

function hubDoor(devices: Map<string, SignalRUser>): Door {
  return {
    name: 'SignalR',
    edit: async (token, messageId, content) => void (await devices.get(token)!.invoke('EditMessage', messageId, content)),
    react: async (token, messageId, emoji) => void (await devices.get(token)!.invoke('React', messageId, emoji)),
    reply: async (token, receiverId, content, replyToId) =>
      void (await devices.get(token)!.invoke('SendMessage', { tempId: `h-${Math.random()}`, receiverId, messageType: 1, content, replyToId })),
  };
}

describe.each(['REST', 'STOMP', 'SignalR'])('edit, reply and react through %s', (doorName) => {
  it("reach the peer's and the actor's other device, and /sync replays each once, in order", async () => {
    const [alice, bob] = [await user(), await user()];
    const original = await send(alice.token, { receiverId: bob.id, content: 'see you at 8' });
    const question = await send(bob.token, { receiverId: alice.id, content: 'which place?' });

    // Alice acts from one device; her other device listens on SignalR, Bob's on STOMP.
    await using aliceActing = await stompDevice(alice.token);
    await using aliceHub = await hubDevice(alice.token);
    await using aliceOther = await hubDevice(alice.token);
    await using bobStomp = await stompDevice(bob.token);
    const door = doorName === 'REST' ? rest : doorName === 'STOMP' ? stompDoor(new Map([[alice.token, aliceActing]])) : hubDoor(new Map([[alice.token, aliceHub]]));
    // Bob's phone was away from here on: it knows the log up to this point.
    const bobSince = await position(bob.token);

    await door.edit(alice.token, original.id, 'see you at 9');
    await door.react(alice.token, question.id, '👍');
    await door.react(alice.token, question.id, '❤️');
    await door.reply(alice.token, bob.id, 'the usual', question.id);
    await door.react(alice.token, question.id, null);

    // Bob, on STOMP: the edited message, each reaction notice, the reply with its quote.
    const edited = (await bobStomp.next<Message>('/user/queue/edits', (m) => m.id === original.id)).body;
    expect(edited).toMatchObject({ id: original.id, seq: original.seq, content: 'see you at 9', createdAt: original.createdAt, replyTo: null, reactions: [] });
    expect(Date.parse(edited.editedAt!)).toBeGreaterThanOrEqual(Date.parse(original.createdAt));
    await eventually(() => bobStomp.messages('/user/queue/reactions').length === 3, 'three reaction notices');
    expect(bobStomp.bodies<ReactionNotice>('/user/queue/reactions')).toEqual([
      { conversationId: question.conversationId, messageId: question.id, seq: question.seq, userId: alice.id, emoji: '👍', reactions: [{ emoji: '👍', userIds: [alice.id] }] },
      { conversationId: question.conversationId, messageId: question.id, seq: question.seq, userId: alice.id, emoji: '❤️', reactions: [{ emoji: '❤️', userIds: [alice.id] }] },
      { conversationId: question.conversationId, messageId: question.id, seq: question.seq, userId: alice.id, emoji: null, reactions: [] },
    ]);
    const reply = (await bobStomp.next<Message>('/user/queue/messages', (m) => m.content === 'the usual')).body;
    expect(reply.replyTo).toEqual({ id: question.id, seq: question.seq, senderId: bob.id, messageType: 'TEXT', preview: 'which place?' });
    expect(reply.extra).toBeNull();
    const bobSeqs = [...bobStomp.messages('/user/queue/edits'), ...bobStomp.messages('/user/queue/reactions'), ...bobStomp.messages('/user/queue/messages')].map((m) => Number(m.headers['user-seq']));
    expect(bobSeqs.sort((x, y) => x - y)).toEqual([1, 2, 3, 4, 5].map((n) => bobSince + n));

    // Alice's other device, on SignalR: the same changes in the hub's shapes.
    const hubEdit = await aliceOther.next('MessageEdited', (m) => m.id === original.id);
    expect(hubEdit).toMatchObject({ id: original.id, sessionId: original.conversationId, messageType: 1, content: 'see you at 9', editedAt: edited.editedAt });
    expect(hubEdit.userSeq).toBeGreaterThan(0);
    expect(hubEdit).not.toHaveProperty('replyTo');
    await eventually(() => aliceOther.of('ReactionChanged').length === 3, 'three ReactionChanged events');
    expect(aliceOther.of('ReactionChanged').map((r) => [r.sessionId, r.messageId, r.emoji, r.reactions])).toEqual([
      [question.conversationId, question.id, '👍', [{ emoji: '👍', userIds: [alice.id] }]],
      [question.conversationId, question.id, '❤️', [{ emoji: '❤️', userIds: [alice.id] }]],
      [question.conversationId, question.id, null, []],
    ]);
    const hubReply = await aliceOther.next('ReceiveMessage', (m) => m.content === 'the usual');
    expect(fromHubMessage(hubReply).replyTo).toEqual(reply.replyTo);

    // Bob's phone comes back: /sync gives each change once, in the order it happened, as it is now.
    const sync = await server.api(bob.token, 'GET', `/sync?since=${bobSince}`);
    const events = sync.body.events as SyncEvent[];
    expect(events.map((e) => [e.userSeq, e.type])).toEqual([
      [bobSince + 1, 'edit'],
      [bobSince + 2, 'reaction'],
      [bobSince + 3, 'reaction'],
      [bobSince + 4, 'message'],
      [bobSince + 5, 'reaction'],
    ]);
    expect(events[0]!.data).toEqual(edited);
    expect(events[3]!.data).toEqual(reply);
    expect(events.filter((e) => e.type === 'reaction').map((e) => e.data)).toEqual(bobStomp.bodies('/user/queue/reactions'));
    expect(sync.body).toMatchObject({ userSeq: bobSince + 5, hasMore: false });
    expect((await server.api(bob.token, 'GET', `/sync?since=${bobSince + 5}`)).body.events).toEqual([]);
  });
});

describe('REST PATCH /messages/{id}', () => {
  it('answers the edited message with userSeq; the same text again answers it unchanged, logging and pushing nothing', async () => {
    const [alice, bob] = [await user(), await user()];
    const sent = await send(alice.token, { receiverId: bob.id, content: 'draft' });
    await using bobDevice = await stompDevice(bob.token);
    const first = await server.api(alice.token, 'PATCH', `/messages/${sent.id}`, { content: '  final  ' });
    expect(first).toMatchObject({ status: 200, body: { id: sent.id, content: 'final', userSeq: sent.userSeq + 1 } });
    const again = await server.api(alice.token, 'PATCH', `/messages/${sent.id}`, { content: 'final' });
    expect(again).toMatchObject({ status: 200, body: withoutSeq(first.body) });
    expect(again.body.userSeq).toBeUndefined();
    await bobDevice.publish('/app/chat.get', { messageId: sent.id });
    expect(bobDevice.messages('/user/queue/edits')).toHaveLength(1);
    expect((await server.api(alice.token, 'GET', `/sync?since=${sent.userSeq}`)).body.events.map((e: SyncEvent) => e.type)).toEqual(['edit']);
  });

  it('lets only the sender edit their own TEXT message, within the window, unless it was recalled', async () => {
    const [alice, bob, carol] = [await user(), await user(), await user()];
    const sent = await send(alice.token, { receiverId: bob.id, content: 'mine' });
    const edit = (token: string, id: number, body: unknown = { content: 'changed' }) => server.api(token, 'PATCH', `/messages/${id}`, body);
    expect(await edit(bob.token, sent.id)).toMatchObject({ status: 403, body: { error: { code: 'FORBIDDEN' } } });
    expect(await edit(carol.token, sent.id)).toMatchObject({ status: 404, body: { error: { code: 'MESSAGE_NOT_FOUND', message: `message ${sent.id} does not exist` } } });
    expect(await edit(alice.token, sent.id + 1_000_000)).toMatchObject({ status: 404, body: { error: { code: 'MESSAGE_NOT_FOUND' } } });
    expect(await edit(alice.token, sent.id, { content: '   ' })).toMatchObject({ status: 400, body: { error: { code: 'VALIDATION_FAILED' } } });
    expect(await edit(alice.token, sent.id, {})).toMatchObject({ status: 400, body: { error: { code: 'VALIDATION_FAILED' } } });

    clockShiftMs = 24 * HOUR + 1000;
    try {
      expect(await edit(alice.token, sent.id)).toMatchObject({ status: 409, body: { error: { code: 'EDIT_WINDOW_PASSED', message: 'a message can be edited within 24 hours of sending' } } });
    } finally {
      clockShiftMs = 0;
    }
    const emoji = await send(alice.token, { receiverId: bob.id, messageType: 'EMOJI', content: 'smile' });
    expect(await edit(alice.token, emoji.id)).toMatchObject({ status: 400, body: { error: { code: 'VALIDATION_FAILED', message: 'messageId: only TEXT messages can be edited' } } });
    expect((await server.api(alice.token, 'DELETE', `/messages/${sent.id}`)).status).toBe(200);
    expect(await edit(alice.token, sent.id)).toMatchObject({ status: 400, body: { error: { code: 'VALIDATION_FAILED', message: 'messageId: a recalled message cannot be edited' } } });
  });

  it('screens the new text as a send is screened: contact details masked, the masking of the old text gone', async () => {
    const [alice, bob] = [await user(), await user()];
    const sent = await send(alice.token, { receiverId: bob.id, content: 'nice to meet you' });
    const masked = await server.api(alice.token, 'PATCH', `/messages/${sent.id}`, { content: '加我 13800138000 吧' });
    expect(masked).toMatchObject({ status: 200, body: { content: '加我 *********** 吧', extra: { masked: ['CONTACT'] } } });
    const clean = await server.api(alice.token, 'PATCH', `/messages/${sent.id}`, { content: 'see you there' });
    expect(clean).toMatchObject({ status: 200, body: { content: 'see you there', extra: null } });
  });

  it('refuses an edit the receiver would no longer accept: BLOCKED', async () => {
    const [alice, bob] = [await user(), await user()];
    const sent = await send(alice.token, { receiverId: bob.id, content: 'hello' });
    expect((await server.api(bob.token, 'PUT', `/blocks/${alice.id}`)).status).toBeLessThan(300);
    expect(await server.api(alice.token, 'PATCH', `/messages/${sent.id}`, { content: 'hello?' })).toMatchObject({ status: 403, body: { error: { code: 'BLOCKED' } } });
  });
});

describe('replies', () => {
  it('quote a message of the same conversation as it was when replying, also after it is edited', async () => {
    const [alice, bob] = [await user(), await user()];
    const long = `${'很长的消息'.repeat(30)}`;
    const quoted = await send(bob.token, { receiverId: alice.id, content: long });
    const reply = await send(alice.token, { receiverId: bob.id, content: 'yes', replyToId: quoted.id, extra: { replyTo: { id: 1, preview: 'forged' } } });
    const snapshot = { id: quoted.id, seq: quoted.seq, senderId: bob.id, messageType: 'TEXT', preview: long.slice(0, 100) };
    expect(reply).toMatchObject({ replyTo: snapshot, extra: null });
    await server.api(bob.token, 'PATCH', `/messages/${quoted.id}`, { content: 'short now' });
    const history = await server.api(bob.token, 'GET', `/messages/history/${alice.id}`);
    expect(history.body.items.map((m: Message) => [m.content, m.replyTo])).toEqual([
      ['short now', null],
      ['yes', snapshot],
    ]);
    const plain = await send(alice.token, { receiverId: bob.id, content: 'no quote', extra: { replyTo: { id: quoted.id, preview: 'forged' } } });
    expect(plain).toMatchObject({ replyTo: null, extra: null });
  });

  it('lose the quoted words when the quoted message is recalled', async () => {
    const [alice, bob] = [await user(), await user()];
    const quoted = await send(bob.token, { receiverId: alice.id, content: 'my number is secret' });
    const reply = await send(alice.token, { receiverId: bob.id, content: 'noted', replyToId: quoted.id });
    expect(reply.replyTo).toMatchObject({ preview: 'my number is secret' });
    expect((await server.api(bob.token, 'DELETE', `/messages/${quoted.id}`)).status).toBe(200);
    for (const who of [alice, bob]) {
      expect((await server.api(who.token, 'GET', `/messages/${reply.id}`)).body.replyTo).toEqual({ id: quoted.id, seq: quoted.seq, senderId: bob.id, messageType: 'TEXT', preview: '' });
    }
    const replayed = (await server.api(alice.token, 'GET', `/sync?since=${reply.userSeq - 1}`)).body.events as SyncEvent[];
    expect(replayed.map((e) => [e.type, e.type === 'message' ? e.data.replyTo?.preview : null])).toEqual([
      ['message', ''],
      ['recall', null],
    ]);
  });

  it('refuse a message of another conversation, a recalled one, and one the sender cannot see', async () => {
    const [alice, bob, carol] = [await user(), await user(), await user()];
    const elsewhere = await send(alice.token, { receiverId: carol.id, content: 'to carol' });
    const strangers = await send(bob.token, { receiverId: carol.id, content: 'bob to carol' });
    const recalled = await send(alice.token, { receiverId: bob.id, content: 'oops' });
    await server.api(alice.token, 'DELETE', `/messages/${recalled.id}`);
    const replyTo = async (replyToId: unknown) => server.api(alice.token, 'POST', '/messages', { receiverId: bob.id, messageType: 'TEXT', content: 'x', clientMsgId: `r-${Math.random()}`, replyToId });
    expect(await replyTo(elsewhere.id)).toMatchObject({ status: 400, body: { error: { code: 'VALIDATION_FAILED', message: 'replyToId: a reply must quote a message of the same conversation' } } });
    expect(await replyTo(recalled.id)).toMatchObject({ status: 400, body: { error: { code: 'VALIDATION_FAILED', message: 'replyToId: a recalled message cannot be quoted' } } });
    expect(await replyTo(strangers.id)).toMatchObject({ status: 404, body: { error: { code: 'MESSAGE_NOT_FOUND', message: `message ${strangers.id} does not exist` } } });
    expect(await replyTo('seven')).toMatchObject({ status: 400, body: { error: { code: 'VALIDATION_FAILED' } } });
    expect(await replyTo(null)).toMatchObject({ status: 201, body: { replyTo: null } });
  });
});

describe('reactions', () => {
  it('one per user per message: PUT sets or replaces it, DELETE takes it back, repeats change nothing', async () => {
    const [alice, bob] = [await user(), await user()];
    const sent = await send(alice.token, { receiverId: bob.id, content: 'party?' });
    const put = (token: string, emoji: unknown) => server.api(token, 'PUT', `/messages/${sent.id}/reaction`, { emoji });
    const first = await put(bob.token, '🎉');
    expect(first).toMatchObject({ status: 200, body: { messageId: sent.id, userId: bob.id, emoji: '🎉', reactions: [{ emoji: '🎉', userIds: [bob.id] }] } });
    expect(first.body.userSeq).toBeGreaterThan(0);
    expect((await put(alice.token, '🎉')).body.reactions).toEqual([{ emoji: '🎉', userIds: [bob.id, alice.id] }]);
    const repeat = await put(bob.token, '🎉');
    expect(repeat.status).toBe(200);
    expect(repeat.body.userSeq).toBeUndefined();
    expect((await put(bob.token, '🇨🇳')).body.reactions).toEqual([
      { emoji: '🎉', userIds: [alice.id] },
      { emoji: '🇨🇳', userIds: [bob.id] },
    ]);
    const history = await server.api(alice.token, 'GET', `/messages/history/${bob.id}`);
    expect(history.body.items[0].reactions).toEqual([
      { emoji: '🎉', userIds: [alice.id] },
      { emoji: '🇨🇳', userIds: [bob.id] },
    ]);
    const list = await server.api(bob.token, 'GET', '/messages/conversations');
    expect(list.body.items.find((c: { peer: { id: number } }) => c.peer.id === alice.id).lastMessage.reactions).toHaveLength(2);
    expect((await server.api(bob.token, 'GET', `/messages/${sent.id}`)).body.reactions).toHaveLength(2);

    const removed = await server.api(bob.token, 'DELETE', `/messages/${sent.id}/reaction`);
    expect(removed).toMatchObject({ status: 200, body: { emoji: null, reactions: [{ emoji: '🎉', userIds: [alice.id] }] } });
    const removedAgain = await server.api(bob.token, 'DELETE', `/messages/${sent.id}/reaction`);
    expect(removedAgain.body).toEqual(withoutSeq(removed.body));
  });

  it('refuse an emoji over 16 characters, a stranger, a recalled message, and a peer who blocked the reactor', async () => {
    const [alice, bob, carol] = [await user(), await user(), await user()];
    const sent = await send(alice.token, { receiverId: bob.id, content: 'hi' });
    const put = (token: string, id: number, body: unknown) => server.api(token, 'PUT', `/messages/${id}/reaction`, body);
    expect(await put(bob.token, sent.id, { emoji: 'x'.repeat(17) })).toMatchObject({ status: 400, body: { error: { code: 'VALIDATION_FAILED', message: 'emoji: 1–16 characters without spaces' } } });
    expect(await put(bob.token, sent.id, { emoji: '' })).toMatchObject({ status: 400, body: { error: { code: 'VALIDATION_FAILED' } } });
    expect(await put(bob.token, sent.id, {})).toMatchObject({ status: 400, body: { error: { code: 'VALIDATION_FAILED' } } });
    expect(await put(carol.token, sent.id, { emoji: '👍' })).toMatchObject({ status: 404, body: { error: { code: 'MESSAGE_NOT_FOUND' } } });
    expect((await server.api(alice.token, 'PUT', `/blocks/${bob.id}`)).status).toBeLessThan(300);
    expect(await put(bob.token, sent.id, { emoji: '👍' })).toMatchObject({ status: 403, body: { error: { code: 'BLOCKED' } } });
    expect((await server.api(bob.token, 'DELETE', `/messages/${sent.id}/reaction`)).status).toBe(200);
    await server.api(alice.token, 'DELETE', `/messages/${sent.id}`);
    expect(await put(alice.token, sent.id, { emoji: '👍' })).toMatchObject({ status: 400, body: { error: { code: 'VALIDATION_FAILED', message: 'messageId: a recalled message cannot take reactions' } } });
  });
});

describe('messages gone from my view', () => {
  it('cannot be edited, reacted to or quoted once hidden for me, and nothing of an unmatched conversation can', async () => {
    const [alice, bob] = [await user(), await user()];
    const mine = await send(alice.token, { receiverId: bob.id, content: 'hide me' });
    const theirs = await send(bob.token, { receiverId: alice.id, content: 'and me' });
    for (const id of [mine.id, theirs.id]) expect((await server.api(alice.token, 'POST', `/messages/${id}/hide`)).status).toBe(200);
    const notFound = (id: number) => ({ status: 404, body: { error: { code: 'MESSAGE_NOT_FOUND', message: `message ${id} does not exist` } } });
    expect(await server.api(alice.token, 'PATCH', `/messages/${mine.id}`, { content: 'changed' })).toMatchObject(notFound(mine.id));
    expect(await server.api(alice.token, 'PUT', `/messages/${theirs.id}/reaction`, { emoji: '👍' })).toMatchObject(notFound(theirs.id));
    const quoting = await server.api(alice.token, 'POST', '/messages', { receiverId: bob.id, messageType: 'TEXT', content: 're', clientMsgId: 'q-1', replyToId: theirs.id });
    expect(quoting).toMatchObject(notFound(theirs.id));
    // Bob still sees both: hiding is Alice's own view.
    expect((await server.api(bob.token, 'PUT', `/messages/${mine.id}/reaction`, { emoji: '👍' })).status).toBe(200);

    expect((await server.api(bob.token, 'POST', `/messages/conversations/${mine.conversationId}/unmatch`)).status).toBe(200);
    expect(await server.api(bob.token, 'PATCH', `/messages/${theirs.id}`, { content: 'changed' })).toMatchObject(notFound(theirs.id));
    expect(await server.api(bob.token, 'PUT', `/messages/${mine.id}/reaction`, { emoji: '❤️' })).toMatchObject(notFound(mine.id));
  });
});

describe('a muted user', () => {
  it('can neither edit nor add a reaction, but can take one back', async () => {
    const [alice, bob] = [await user(), await user()];
    const sent = await send(alice.token, { receiverId: bob.id, content: 'before' });
    const theirs = await send(bob.token, { receiverId: alice.id, content: 'hello' });
    expect((await server.api(alice.token, 'PUT', `/messages/${theirs.id}/reaction`, { emoji: '👍' })).status).toBe(200);
    expect((await server.api(ADMIN, 'PUT', `/admin/users/${alice.id}/restriction`, { kind: 'MUTE', reason: 'spam' })).status).toBe(200);
    expect(await server.api(alice.token, 'PATCH', `/messages/${sent.id}`, { content: 'after' })).toMatchObject({ status: 403, body: { error: { code: 'USER_MUTED' } } });
    expect(await server.api(alice.token, 'PUT', `/messages/${theirs.id}/reaction`, { emoji: '❤️' })).toMatchObject({ status: 403, body: { error: { code: 'USER_MUTED' } } });
    expect(await server.api(alice.token, 'DELETE', `/messages/${theirs.id}/reaction`)).toMatchObject({ status: 200, body: { emoji: null, reactions: [] } });
  });
});

describe('STOMP errors and SignalR arguments', () => {
  it('STOMP answers refused edits and reactions on /user/queue/errors with the destination', async () => {
    const [alice, bob] = [await user(), await user()];
    const sent = await send(alice.token, { receiverId: bob.id, content: 'hi' });
    await using device = await stompDevice(bob.token);
    await device.publish('/app/chat.edit', { messageId: sent.id, content: 'mine now' });
    await device.publish('/app/chat.react', { messageId: sent.id, emoji: 'far too long for a reaction' });
    await device.publish('/app/chat.react', { messageId: sent.id });
    expect(device.bodies('/user/queue/errors')).toEqual([
      { code: 'FORBIDDEN', message: 'only the sender can edit a message', destination: '/app/chat.edit' },
      { code: 'VALIDATION_FAILED', message: 'emoji: 1–16 characters without spaces', destination: '/app/chat.react' },
      expect.objectContaining({ code: 'VALIDATION_FAILED', destination: '/app/chat.react' }),
    ]);
    expect(device.messages('/user/queue/reactions')).toEqual([]);
  });

  it('SignalR completes EditMessage with the hub message and React with the notice; React(messageId) takes it back', async () => {
    const [alice, bob] = [await user(), await user()];
    const sent = await send(alice.token, { receiverId: bob.id, content: 'hi' });
    await using a = await hubDevice(alice.token);
    await using b = await hubDevice(bob.token);
    const edited = await a.invoke('EditMessage', sent.id, 'hi there');
    expect(edited).toMatchObject({ id: sent.id, sessionId: sent.conversationId, messageType: 1, content: 'hi there', tempId: sent.clientMsgId });
    expect(edited.userSeq).toBeGreaterThan(0);
    const reacted = await b.invoke('react', sent.id, '👋');
    expect(reacted).toMatchObject({ sessionId: sent.conversationId, messageId: sent.id, seq: sent.seq, userId: bob.id, emoji: '👋', reactions: [{ emoji: '👋', userIds: [bob.id] }] });
    expect(reacted).not.toHaveProperty('conversationId');
    expect(await b.invoke('React', sent.id)).toMatchObject({ emoji: null, reactions: [] });
    const got = await b.invoke('GetMessage', sent.id);
    expect(got).toMatchObject({ content: 'hi there', editedAt: edited.editedAt });
    expect(got).not.toHaveProperty('reactions');
    await expect(b.invoke('EditMessage', sent.id, 'x')).rejects.toThrow('FORBIDDEN: only the sender can edit a message');
    await expect(a.invoke('EditMessage', sent.id)).rejects.toThrow('VALIDATION_FAILED: EditMessage takes 2 arguments, got 1');
    await expect(a.invoke('React', sent.id, 7)).rejects.toThrow(/VALIDATION_FAILED: emoji/);
  });
});
