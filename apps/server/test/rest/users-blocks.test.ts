/** /users/presence, /users/me and /blocks through real HTTP, with bad input. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../support/test-app.js';
import { smallPng, uploadImage } from '../hardening/media-support.js';
import { BAD_PATH_IDS, expectError, expectNothingStored, raw, userFactory } from './rest-helpers.js';

let server: TestServer;
const users = userFactory(() => server);

const send = (from: { token: string }, to: { id: number }, content = 'hi') =>
  server.api(from.token, 'POST', '/messages', { receiverId: to.id, messageType: 'TEXT', content, clientMsgId: `c-${Math.random()}` });

beforeAll(async () => {
  server = await startTestServer({ PARLEY_SEND_RATE: '100000', PARLEY_SEND_BURST: '100000' });
});

afterAll(async () => {
  await server?.[Symbol.asyncDispose]();
});

describe('GET /users/presence', () => {
  it('answers for each id, revealing only conversation peers; others are offline with lastSeenAt null', async () => {
    const [a, b, stranger] = await users(3);
    await send(a!, b!);
    const response = await server.api(a!.token, 'GET', `/users/presence?ids=${b!.id},${stranger!.id},${a!.id},${b!.id}`);
    expect(response.status).toBe(200);
    expect(response.body.items).toEqual([
      { userId: b!.id, online: false, lastSeenAt: null },
      { userId: stranger!.id, online: false, lastSeenAt: null },
      { userId: a!.id, online: false, lastSeenAt: null },
    ]);
  });

  it('refuses malformed id lists', async () => {
    const [a] = await users(1);
    const tooMany = Array.from({ length: 201 }, (_, i) => i + 1).join(',');
    for (const ids of ['', 'abc', '1,,2', '1,-2', '0', '1.5', '12345678901234567', "1;DROP TABLE users", tooMany, '9223372036854775808']) {
      expectError(await server.api(a!.token, 'GET', `/users/presence?ids=${encodeURIComponent(ids)}`), 400, 'VALIDATION_FAILED');
    }
    expectError(await server.api(a!.token, 'GET', '/users/presence'), 400, 'VALIDATION_FAILED');
  });
});

describe('/users/me', () => {
  it('shows and updates my own profile, private fields included', async () => {
    const [a] = await users(1);
    expect((await server.api(a!.token, 'GET', '/users/me')).body).toMatchObject({ id: a!.id, name: `user${a!.id}`, wechatId: null, photoUrls: [] });
    // Profile photos are the user's own uploads.
    const photo = (await uploadImage(server, a!.token, await smallPng())).body.url;
    const updated = await server.api(a!.token, 'PUT', '/users/me', { wechatId: "wx'; --", photoUrls: [photo] });
    expect(updated.status).toBe(200);
    expect(updated.body).toMatchObject({ id: a!.id, wechatId: "wx'; --", photoUrls: [photo] });
    expectError(await server.api(a!.token, 'PUT', '/users/me', { photoUrls: [1] }), 400, 'VALIDATION_FAILED');
    expectError(await raw(server, 'PUT', '/users/me', { token: a!.token, body: '{', contentType: 'application/json' }), 400, 'VALIDATION_FAILED');
    expect((await server.api(a!.token, 'GET', '/users/me')).body.photoUrls).toEqual([photo]);
  });
});

describe('/blocks', () => {
  it('blocks, lists and unblocks idempotently; a blocked sender gets BLOCKED', async () => {
    const [a, b, c] = await users(3);
    expect((await server.api(a!.token, 'PUT', `/blocks/${b!.id}`)).status).toBe(204);
    expect((await server.api(a!.token, 'PUT', `/blocks/${b!.id}`)).status).toBe(204);
    expect((await server.api(a!.token, 'PUT', `/blocks/${c!.id}`)).status).toBe(204);
    const list = await server.api(a!.token, 'GET', '/blocks');
    expect(list.status).toBe(200);
    expect(list.body.items.map((x: any) => x.userId).sort()).toEqual([b!.id, c!.id].sort());
    expect(Date.parse(list.body.items[0].createdAt)).not.toBeNaN();
    expect((await server.api(b!.token, 'GET', '/blocks')).body).toEqual({ items: [] });

    expectError(await send(b!, a!), 403, 'BLOCKED');
    expect((await send(a!, b!)).status).toBe(201);
    expect((await server.api(a!.token, 'DELETE', `/blocks/${b!.id}`)).status).toBe(204);
    expect((await server.api(a!.token, 'DELETE', `/blocks/${b!.id}`)).status).toBe(204);
    expect((await send(b!, a!)).status).toBe(201);
    expect((await server.api(a!.token, 'GET', '/blocks')).body.items.map((x: any) => x.userId)).toEqual([c!.id]);
  });

  it('refuses yourself, unknown users and bad ids, changing nothing', async () => {
    const [a, b] = await users(2);
    await server.api(a!.token, 'PUT', `/blocks/${b!.id}`);
    const before = (await server.api(a!.token, 'GET', '/blocks')).body;
    await expectNothingStored(server, [a!.token, b!.token], async () => {
      expectError(await server.api(a!.token, 'PUT', `/blocks/${a!.id}`), 400, 'SELF_CHAT');
      expectError(await server.api(a!.token, 'PUT', '/blocks/90000008'), 404, 'USER_NOT_FOUND');
      for (const id of BAD_PATH_IDS) {
        expectError(await server.api(a!.token, 'PUT', `/blocks/${id}`), 400, 'VALIDATION_FAILED');
        expectError(await server.api(a!.token, 'DELETE', `/blocks/${id}`), 400, 'VALIDATION_FAILED');
      }
    });
    expect((await server.api(a!.token, 'GET', '/blocks')).body).toEqual(before);
  });
});
