/**
 * Media URLs are the server's own: whatever host, scheme, query or fragment a client writes, a
 * receiver gets the canonical URL of the sender's upload, and profile pictures set by users are
 * their own uploads. Only the admin API (the host application) may point at other https hosts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../support/test-app.js';
import { expectError, expectNothingStored, raw } from '../rest/rest-helpers.js';
import { keyOf, smallPng, uploadImage } from './media-support.js';

const PUBLIC_URL = 'https://chat.example.com';
const ADMIN_TOKEN = 'media-url-admin-token';
let server: TestServer;
let alice: string;
let bob: string;
let shade = 0;

async function upload(token: string): Promise<{ url: string; thumbnailUrl: string }> {
  const response = await uploadImage(server, token, await smallPng(shade++));
  expect(response.status).toBe(201);
  return response.body;
}

const admin = (id: number, body: unknown) =>
  raw(server, 'PUT', `/admin/users/${id}`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` }, body: JSON.stringify(body), contentType: 'application/json' });

beforeAll(async () => {
  server = await startTestServer({ PARLEY_PUBLIC_URL: PUBLIC_URL, PARLEY_ADMIN_TOKEN: ADMIN_TOKEN, PARLEY_SEND_RATE: '1000', PARLEY_SEND_BURST: '1000' });
  alice = await server.token(1, 'Alice');
  bob = await server.token(2, 'Bob');
});

afterAll(async () => {
  await server?.[Symbol.asyncDispose]();
});

describe('media messages', () => {
  it('store the canonical URL of the sender’s upload, whatever host, query or fragment the client wrote', async () => {
    const image = await upload(alice);
    const key = keyOf(image.url);
    expect(image.url).toBe(`${PUBLIC_URL}/media/${key}`);
    const sent = await server.api(alice, 'POST', '/messages', {
      receiverId: 2,
      messageType: 'IMAGE',
      content: `https://evil.example/media/${key}?x=1#y`,
      clientMsgId: 'url-1',
      extra: { thumbnailUrl: 'javascript:alert(1)' },
    });
    expect(sent.status).toBe(201);
    expect(sent.body.content).toBe(image.url);
    expect(sent.body.extra.thumbnailUrl).toBe(image.thumbnailUrl);

    const history = await server.api(bob, 'GET', '/messages/history/1');
    expect(history.body.items.at(-1)).toMatchObject({ content: image.url, extra: { thumbnailUrl: image.thumbnailUrl } });
    const sync = await server.api(bob, 'GET', '/sync?since=0');
    expect(JSON.stringify(sync.body)).not.toContain('evil.example');
    expect(JSON.stringify(sync.body)).not.toContain('javascript:');

    // A relative URL and a protocol-relative one name the same upload.
    for (const content of [`/media/${key}`, `//evil.example/media/${key}`]) {
      const again = await server.api(alice, 'POST', '/messages', { receiverId: 2, messageType: 'IMAGE', content, clientMsgId: `url-${content}` });
      expect(again.body.content).toBe(image.url);
    }
  });

  it('refuse javascript:, data: and other schemes, and another user’s upload, storing nothing', async () => {
    const image = await upload(alice);
    const key = keyOf(image.url);
    await expectNothingStored(server, [alice, bob], async () => {
      for (const content of [`javascript:/media/${key}`, `javascript://%0aalert(1)//media/${key}`, `data:/media/${key}`, `ftp://chat.example.com/media/${key}`]) {
        const refused = await server.api(alice, 'POST', '/messages', { receiverId: 2, messageType: 'IMAGE', content, clientMsgId: `bad-${content}` });
        expectError(refused, 400, 'VALIDATION_FAILED');
        expect(refused.body.error.message).toMatch(/^content:/);
      }
      expectError(await server.api(bob, 'POST', '/messages', { receiverId: 1, messageType: 'IMAGE', content: image.url, clientMsgId: 'not-mine' }), 400, 'VALIDATION_FAILED');
    });
  });
});

describe('profile pictures set by users', () => {
  it('must be their own uploads, stored under the canonical URL', async () => {
    const photo = await upload(alice);
    const avatar = await upload(alice);
    const response = await server.api(alice, 'PUT', '/users/me', {
      avatarUrl: `http://elsewhere.example/media/${keyOf(avatar.url)}#frag`,
      photoUrls: [`/media/${keyOf(photo.url)}?size=big`],
    });
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ avatarUrl: avatar.url, photoUrls: [photo.url] });
    const card = await server.api(bob, 'GET', '/messages/conversations');
    expect(JSON.stringify(card.body)).not.toContain('elsewhere.example');
  });

  it('answer VALIDATION_FAILED naming the field for foreign URLs, javascript: and others’ uploads', async () => {
    const bobsPhoto = await upload(bob);
    const before = await server.api(alice, 'GET', '/users/me');
    const cases: [unknown, RegExp][] = [
      [{ avatarUrl: 'https://cdn.example/me.jpg' }, /^avatarUrl:/],
      [{ avatarUrl: 'javascript:alert(1)' }, /^avatarUrl:/],
      [{ photoUrls: ['https://cdn.example/me.jpg'] }, /^photoUrls\[0\]:/],
      [{ photoUrls: [(await upload(alice)).url, bobsPhoto.url] }, /^photoUrls\[1\]:/],
      [{ photoUrls: [(await upload(alice)).thumbnailUrl] }, /^photoUrls\[0\]:/],
    ];
    for (const [body, field] of cases) {
      const refused = await server.api(alice, 'PUT', '/users/me', body);
      expectError(refused, 400, 'VALIDATION_FAILED');
      expect(refused.body.error.message).toMatch(field);
    }
    expect((await server.api(alice, 'GET', '/users/me')).body).toEqual(before.body);
  });
});

describe('profile pictures set through the admin API', () => {
  it('may be any https URL, or this server’s media under its canonical URL', async () => {
    const photo = await upload(bob);
    const response = await admin(2, { avatarUrl: 'https://cdn.example/bob.jpg', photoUrls: [`/media/${keyOf(photo.url)}`, 'https://cdn.example/bob-2.jpg'] });
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ avatarUrl: 'https://cdn.example/bob.jpg', photoUrls: [photo.url, 'https://cdn.example/bob-2.jpg'] });
  });

  it('refuse other schemes with VALIDATION_FAILED naming the field', async () => {
    for (const [body, field] of [
      [{ avatarUrl: 'javascript:alert(1)' }, /^avatarUrl:/],
      [{ avatarUrl: 'http://cdn.example/bob.jpg' }, /^avatarUrl:/],
      [{ photoUrls: ['data:image/png;base64,AAAA'] }, /^photoUrls\[0\]:/],
    ] as const) {
      const refused = await admin(2, body);
      expectError(refused, 400, 'VALIDATION_FAILED');
      expect(refused.body.error.message).toMatch(field);
    }
  });
});
