import type { Message, SearchPage } from '@parley/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../support/test-app.js';

/** `GET /messages/search` through fetch: the page shape, paging, one peer, the query rules, and a hidden message left out. */
let server: TestServer;
let nextUser = 7900;
const user = async (name: string) => {
  const id = nextUser++;
  return { id, token: await server.token(id, name) };
};
const send = async (from: { token: string }, to: { id: number }, content: string): Promise<Message> => {
  const sent = await server.api(from.token, 'POST', '/messages', { receiverId: to.id, messageType: 'TEXT', content, clientMsgId: `s-${Math.random()}` });
  expect(sent.status).toBe(201);
  return sent.body as Message;
};
const search = (who: { token: string }, query: string) => server.api(who.token, 'GET', `/messages/search?${query}`);

beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  await server?.app.shutdown();
});

describe('GET /messages/search', () => {
  it('answers my matching messages newest first with their conversation and peer card, in pages', async () => {
    const [alice, bob, carol] = [await user('Alice'), await user('Bob'), await user('Carol')];
    const first = await send(alice, bob, '今天没有信号了');
    const second = await send(carol, alice, '信号好了吗？');
    const third = await send(bob, alice, '我这边信号也不好');
    await send(bob, carol, '信号 between others');

    const page1 = await search(alice, `q=${encodeURIComponent('信号')}&limit=2`);
    expect(page1.status).toBe(200);
    const body1 = page1.body as SearchPage;
    expect(body1.items.map((i) => i.message.id)).toEqual([third.id, second.id]);
    expect(body1.items[0]).toEqual({
      message: expect.objectContaining({ id: third.id, content: '我这边信号也不好', senderId: bob.id }),
      conversationId: third.conversationId,
      peer: { id: bob.id, name: 'Bob', avatarUrl: null },
    });
    expect(body1.items[1]!.peer).toEqual({ id: carol.id, name: 'Carol', avatarUrl: null });
    expect(body1.nextBefore).toBe(String(second.id));

    const body2 = (await search(alice, `q=${encodeURIComponent('信号')}&limit=2&before=${body1.nextBefore}`)).body as SearchPage;
    expect(body2).toEqual({ items: [expect.objectContaining({ message: expect.objectContaining({ id: first.id }) })], nextBefore: null });

    const withBob = (await search(alice, `q=${encodeURIComponent('  信号 ')}&peerId=${bob.id}`)).body as SearchPage;
    expect(withBob.items.map((i) => i.message.id)).toEqual([third.id, first.id]);
  });

  it('leaves out a message I hid, and only for me', async () => {
    const [alice, bob] = [await user('A'), await user('B')];
    const hidden = await send(bob, alice, 'secret plan one');
    await send(bob, alice, 'secret plan two');
    expect((await server.api(alice.token, 'POST', `/messages/${hidden.id}/hide`)).status).toBeLessThan(300);
    expect(((await search(alice, 'q=secret')).body as SearchPage).items.map((i) => i.message.content)).toEqual(['secret plan two']);
    expect(((await search(bob, 'q=SECRET')).body as SearchPage).items.map((i) => i.message.content)).toEqual(['secret plan two', 'secret plan one']);
  });

  it('refuses a query of fewer than 2 or more than 64 characters, a search with myself and a foreign cursor', async () => {
    const alice = await user('Q');
    for (const q of ['信', '  a  ', 'x'.repeat(65)]) {
      expect(await search(alice, `q=${encodeURIComponent(q)}`)).toMatchObject({ status: 400, body: { error: { code: 'VALIDATION_FAILED', message: 'q: search for 2–64 characters' } } });
    }
    expect((await search(alice, `q=${encodeURIComponent('信'.repeat(64))}`)).status).toBe(200);
    expect(await search(alice, '')).toMatchObject({ status: 400, body: { error: { code: 'VALIDATION_FAILED' } } });
    expect(await search(alice, `q=hi&peerId=${alice.id}`)).toMatchObject({ status: 400, body: { error: { code: 'SELF_CHAT' } } });
    expect(await search(alice, 'q=hi&before=abc')).toMatchObject({ status: 400, body: { error: { code: 'VALIDATION_FAILED' } } });
    expect(await search(alice, 'q=hi&limit=51')).toMatchObject({ status: 400, body: { error: { code: 'VALIDATION_FAILED' } } });
    expect((await server.api('', 'GET', '/messages/search?q=hi')).status).toBe(401);
  });
});
