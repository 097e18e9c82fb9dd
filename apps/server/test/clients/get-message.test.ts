import { toHubMessage, type Message } from '@parley/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SignalRUser } from '../support/signalr-client.js';
import { StompUser } from '../support/stomp-client.js';
import { startTestServer, type TestServer } from '../support/test-app.js';

/** "Get one message by id" on every door, through real clients: participants only, and no hint that a stranger's id exists. */
let server: TestServer;
let nextUser = 7100;
const user = async () => {
  const id = nextUser++;
  return { id, token: await server.token(id, `g${id}`) };
};

/** Alice sends Bob a message; Carol is a stranger to their conversation. */
async function scene() {
  const [alice, bob, carol] = [await user(), await user(), await user()];
  const sent = await server.api(alice.token, 'POST', '/messages', { receiverId: bob.id, messageType: 'TEXT', content: 'the one', clientMsgId: `get-${alice.id}` });
  expect(sent.status).toBe(201);
  const { userSeq: _userSeq, ...message } = sent.body as Message & { userSeq: number };
  return { alice, bob, carol, message: message as Message };
}

beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  await server?.app.shutdown();
});

describe('REST GET /messages/{id}', () => {
  it('answers the message to both participants', async () => {
    const { alice, bob, message } = await scene();
    for (const who of [alice, bob]) {
      const got = await server.api(who.token, 'GET', `/messages/${message.id}`);
      expect(got.status).toBe(200);
      expect(got.body).toEqual(message);
    }
  });

  it('answers MESSAGE_NOT_FOUND alike for a stranger and for an id that does not exist', async () => {
    const { carol, message } = await scene();
    const stranger = await server.api(carol.token, 'GET', `/messages/${message.id}`);
    const unknownId = message.id + 1_000_000;
    const unknown = await server.api(carol.token, 'GET', `/messages/${unknownId}`);
    expect(stranger).toMatchObject({ status: 404, body: { error: { code: 'MESSAGE_NOT_FOUND', message: `message ${message.id} does not exist` } } });
    expect(unknown).toMatchObject({ status: 404, body: { error: { code: 'MESSAGE_NOT_FOUND', message: `message ${unknownId} does not exist` } } });
  });

  it('shows a recalled message as recalled, and refuses an id that is not one', async () => {
    const { alice, bob, message } = await scene();
    expect((await server.api(alice.token, 'DELETE', `/messages/${message.id}`)).status).toBe(200);
    const got = await server.api(bob.token, 'GET', `/messages/${message.id}`);
    expect(got.body).toMatchObject({ id: message.id, status: 'RECALLED', content: '' });
    expect(await server.api(bob.token, 'GET', '/messages/0')).toMatchObject({ status: 400, body: { error: { code: 'VALIDATION_FAILED' } } });
  });
});

describe('STOMP SEND /app/chat.get', () => {
  it('pushes the message to the asking connection only, on /user/queue/fetched, before the RECEIPT', async () => {
    const { alice, bob, message } = await scene();
    await using asker = await new StompUser(server.url, { token: bob.token }).connect();
    await asker.subscribe('/user/queue/fetched', '/user/queue/messages', '/user/queue/errors');
    await using other = await new StompUser(server.url, { token: bob.token }).connect();
    await other.subscribe('/user/queue/fetched');
    await using sender = await new StompUser(server.url, { token: alice.token }).connect();
    await sender.subscribe('/user/queue/fetched');

    await asker.publish('/app/chat.get', { messageId: message.id });
    expect(asker.bodies('/user/queue/fetched')).toEqual([message]);
    expect(asker.messages('/user/queue/fetched')[0]!.headers['user-seq']).toBeUndefined();
    expect(asker.messages('/user/queue/messages')).toEqual([]);
    expect(asker.messages('/user/queue/errors')).toEqual([]);
    // A push to the caller's other connection would have been written before the asker's RECEIPT.
    await sender.publish('/app/chat.get', { messageId: message.id });
    expect(other.messages('/user/queue/fetched')).toEqual([]);
    expect(sender.bodies('/user/queue/fetched')).toEqual([message]);
  });

  it('answers a stranger with MESSAGE_NOT_FOUND on /user/queue/errors and nothing else', async () => {
    const { carol, message } = await scene();
    await using stranger = await new StompUser(server.url, { token: carol.token }).connect();
    await stranger.subscribe('/user/queue/fetched', '/user/queue/errors');
    await stranger.publish('/app/chat.get', { messageId: message.id });
    await stranger.publish('/app/chat.get', { messageId: message.id + 1_000_000 });
    await stranger.publish('/app/chat.get', { id: message.id });
    expect(stranger.messages('/user/queue/fetched')).toEqual([]);
    expect(stranger.bodies('/user/queue/errors')).toEqual([
      { code: 'MESSAGE_NOT_FOUND', message: `message ${message.id} does not exist`, destination: '/app/chat.get' },
      { code: 'MESSAGE_NOT_FOUND', message: `message ${message.id + 1_000_000} does not exist`, destination: '/app/chat.get' },
      expect.objectContaining({ code: 'VALIDATION_FAILED', destination: '/app/chat.get' }),
    ]);
  });
});

describe('SignalR GetMessage(messageId)', () => {
  it('completes with the hub message shape for both participants, in any method case', async () => {
    const { alice, bob, message } = await scene();
    await using a = await SignalRUser.start(server.url, alice.token);
    await using b = await SignalRUser.start(server.url, bob.token);
    const expected = JSON.parse(JSON.stringify(toHubMessage(message)));
    expect(await a.invoke('GetMessage', message.id)).toEqual(expected);
    expect(await b.invoke('getmessage', message.id)).toEqual(expected);
    expect(b.of('ReceiveMessage').filter((m) => m.id === message.id)).toHaveLength(0);
  });

  it('fails a stranger and an unknown id alike with MESSAGE_NOT_FOUND, and checks its argument', async () => {
    const { carol, message } = await scene();
    await using c = await SignalRUser.start(server.url, carol.token);
    await expect(c.invoke('GetMessage', message.id)).rejects.toThrow(`MESSAGE_NOT_FOUND: message ${message.id} does not exist`);
    await expect(c.invoke('GetMessage', message.id + 1_000_000)).rejects.toThrow(`MESSAGE_NOT_FOUND: message ${message.id + 1_000_000} does not exist`);
    await expect(c.invoke('GetMessage', 'seven')).rejects.toThrow(/^.*VALIDATION_FAILED: messageId/);
    await expect(c.invoke('GetMessage')).rejects.toThrow('VALIDATION_FAILED: GetMessage takes 1 argument, got 0');
  });
});
