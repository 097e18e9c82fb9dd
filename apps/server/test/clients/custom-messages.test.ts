import { fromHubMessage, type Message, type SyncEvent, type WireHubMessage } from '@parley/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SignalRUser } from '../support/signalr-client.js';
import { StompUser } from '../support/stomp-client.js';
import { startTestServer, type TestServer } from '../support/test-app.js';

/**
 * CUSTOM messages (the host app's own types: a date invitation, a gift, a profile card) through
 * real clients: sent on each door, received on the others with `extra` exactly as sent (SignalR:
 * messageType 10, `extraData` its JSON), replayed by /sync, found by search through the fallback
 * text; a too large or malformed one refused with VALIDATION_FAILED, the connection kept.
 */
let server: TestServer;
let nextUser = 7800;
const user = async () => {
  const id = nextUser++;
  return { id, token: await server.token(id, `c${id}`) };
};
const invitation = { kind: 'date-invitation', place: '外滩 18 号', at: '2026-12-24T19:00:00+08:00', guests: [1, 2], confirmed: false, note: null };
const tooLarge = { kind: 'profile-card', bio: '长'.repeat(2800) };

beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  await server?.app.shutdown();
});

describe('CUSTOM messages', () => {
  it('sent over REST reach STOMP and SignalR as sent, and /sync and search return them', async () => {
    const [alice, bob] = [await user(), await user()];
    await using bobStomp = await new StompUser(server.url, { token: bob.token }).connect();
    await bobStomp.subscribe('/user/queue/messages');
    await using bobHub = await SignalRUser.start(server.url, bob.token);

    const sent = await server.api(alice.token, 'POST', '/messages', { receiverId: bob.id, messageType: 'CUSTOM', content: ' [约会邀请] 周五晚上 ', extra: invitation, clientMsgId: 'custom-rest' });
    expect(sent).toMatchObject({ status: 201, body: { messageType: 'CUSTOM', content: '[约会邀请] 周五晚上', extra: invitation } });
    const { userSeq: _userSeq, ...message } = sent.body as Message & { userSeq: number };

    const { body: stompBody } = await bobStomp.next<Message>('/user/queue/messages', (m) => m.id === message.id);
    expect(stompBody).toEqual({ ...message, clientMsgId: 'custom-rest' });
    const hub = (await bobHub.next('ReceiveMessage', (m: WireHubMessage) => m.id === message.id)) as WireHubMessage & { userSeq: number };
    // The object as sent; its keys come back in the database's order (jsonb), as with any extra.
    expect(hub).toMatchObject({ messageType: 10, content: '[约会邀请] 周五晚上', voiceUrl: null });
    expect(JSON.parse(hub.extraData!)).toEqual(invitation);
    const { userSeq: _hubSeq, ...wire } = hub;
    expect(fromHubMessage(wire)).toEqual(message);

    const sync = (await server.api(bob.token, 'GET', '/sync?since=0')).body as { events: SyncEvent[] };
    expect(sync.events.find((e) => e.type === 'message' && e.data.id === message.id)?.data).toMatchObject({ messageType: 'CUSTOM', extra: invitation });
    const found = await server.api(bob.token, 'GET', `/messages/search?q=${encodeURIComponent('约会')}`);
    expect(found.body.items.map((i: { message: Message }) => i.message.id)).toEqual([message.id]);
  });

  it('sent over STOMP and SignalR arrive on the other doors with the same extra', async () => {
    const [alice, bob] = [await user(), await user()];
    await using aliceStomp = await new StompUser(server.url, { token: alice.token }).connect();
    await aliceStomp.subscribe('/user/queue/messages', '/user/queue/errors');
    await using bobHub = await SignalRUser.start(server.url, bob.token);

    await aliceStomp.publish('/app/chat.send', { receiverId: bob.id, messageType: 'CUSTOM', content: '[礼物] 一束花', extra: { kind: 'gift', sku: 'rose-11', count: 11 }, clientMsgId: 'custom-stomp' });
    const viaStomp = (await bobHub.next('ReceiveMessage', (m: WireHubMessage) => m.tempId === 'custom-stomp')) as WireHubMessage;
    expect(viaStomp).toMatchObject({ messageType: 10, content: '[礼物] 一束花' });
    expect(JSON.parse(viaStomp.extraData!)).toEqual({ kind: 'gift', sku: 'rose-11', count: 11 });

    const completed = await bobHub.invoke('SendMessage', { receiverId: alice.id, messageType: 10, content: '[名片] Bob', extraData: JSON.stringify({ kind: 'profile-card', userId: bob.id }), tempId: 'custom-hub' });
    expect(completed).toMatchObject({ messageType: 10, content: '[名片] Bob' });
    expect(JSON.parse((completed as WireHubMessage).extraData!)).toEqual({ kind: 'profile-card', userId: bob.id });
    const { body } = await aliceStomp.next<Message>('/user/queue/messages', (m) => m.content === '[名片] Bob');
    expect(body).toMatchObject({ messageType: 'CUSTOM', extra: { kind: 'profile-card', userId: bob.id }, senderId: bob.id });
    const history = (await server.api(alice.token, 'GET', `/messages/history/${bob.id}`)).body as { items: Message[] };
    expect(history.items.map((m) => [m.messageType, m.content, m.extra])).toEqual([
      ['CUSTOM', '[礼物] 一束花', { kind: 'gift', sku: 'rose-11', count: 11 }],
      ['CUSTOM', '[名片] Bob', { kind: 'profile-card', userId: bob.id }],
    ]);
    expect(aliceStomp.messages('/user/queue/errors')).toEqual([]);
  });

  it('over 8 KB of extra, without extra or without fallback text are VALIDATION_FAILED on every door, and nothing is stored', async () => {
    const [alice, bob] = [await user(), await user()];
    const rest = await server.api(alice.token, 'POST', '/messages', { receiverId: bob.id, messageType: 'CUSTOM', content: 'card', extra: tooLarge, clientMsgId: 'big-rest' });
    expect(rest).toMatchObject({ status: 400, body: { error: { code: 'VALIDATION_FAILED', message: expect.stringMatching(/^extra: CUSTOM extra is \d+ bytes of JSON, at most 8192$/) } } });
    expect(await server.api(alice.token, 'POST', '/messages', { receiverId: bob.id, messageType: 'CUSTOM', content: 'card', clientMsgId: 'none-rest' })).toMatchObject({
      status: 400,
      body: { error: { code: 'VALIDATION_FAILED', message: 'extra: CUSTOM needs a JSON object chosen by the host app' } },
    });
    expect(await server.api(alice.token, 'POST', '/messages', { receiverId: bob.id, messageType: 'CUSTOM', content: '  ', extra: { kind: 'x' }, clientMsgId: 'blank-rest' })).toMatchObject({
      status: 400,
      body: { error: { code: 'VALIDATION_FAILED' } },
    });

    await using aliceStomp = await new StompUser(server.url, { token: alice.token }).connect();
    await aliceStomp.subscribe('/user/queue/errors', '/user/queue/messages');
    await aliceStomp.publish('/app/chat.send', { receiverId: bob.id, messageType: 'CUSTOM', content: 'card', extra: tooLarge, clientMsgId: 'big-stomp' });
    const { body: error } = await aliceStomp.next('/user/queue/errors');
    expect(error).toMatchObject({ code: 'VALIDATION_FAILED', clientMsgId: 'big-stomp', destination: '/app/chat.send' });

    await using aliceHub = await SignalRUser.start(server.url, alice.token);
    await expect(aliceHub.invoke('SendMessage', { receiverId: bob.id, messageType: 10, content: 'card', extraData: JSON.stringify(tooLarge), tempId: 'big-hub' })).rejects.toThrow(
      /VALIDATION_FAILED: extra: CUSTOM extra is \d+ bytes/,
    );
    // Both connections are still open and usable.
    await aliceStomp.publish('/app/chat.send', { receiverId: bob.id, messageType: 'CUSTOM', content: 'ok', extra: { kind: 'x' }, clientMsgId: 'small-stomp' });
    await aliceStomp.next('/user/queue/messages', (m: Message) => m.clientMsgId === 'small-stomp');
    expect(await aliceHub.invoke('SendMessage', { receiverId: bob.id, messageType: 10, content: 'ok too', extraData: '{"kind":"y"}', tempId: 'small-hub' })).toMatchObject({ messageType: 10 });
    const history = (await server.api(alice.token, 'GET', `/messages/history/${bob.id}`)).body as { items: Message[] };
    expect(history.items.map((m) => m.content)).toEqual(['ok', 'ok too']);
  });
});
