/**
 * The Web Push channel against a local HTTP server in the place of a browser's push service: the
 * test holds the browser's side of the subscription (its P-256 key pair and auth secret), so it
 * checks the VAPID signature and the RFC 8030 headers and decrypts the aes128gcm payload the
 * service worker would get. Real push services are https; the REST door accepts only https
 * endpoints, so these local http ones are stored through the store port directly.
 */
import { decodeJwt, decodeProtectedHeader, importJWK, jwtVerify } from 'jose';
import webpush from 'web-push';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { NotificationChannel, NotificationPayload } from '../../src/notifications/channel.js';
import { pushChannels } from '../../src/notifications/push-channels.js';
import { webPushData } from '../../src/notifications/web-push-channel.js';
import { systemClock } from '../../src/ports/clock.js';
import { PostgresWebPushStore } from '../../src/storage/postgres-web-push-store.js';
import { PostgresWeChatPushStore } from '../../src/storage/postgres-wechat-push-store.js';
import { browserKeys, decryptPush, FakePushService } from '../support/fake-push-service.js';
import { startTestServer, type TestServer } from '../support/test-app.js';

const USER = 21;

const notification = (over: Partial<NotificationPayload> = {}): NotificationPayload => ({
  id: 'n-42',
  userId: USER,
  conversationId: 5,
  senderId: 22,
  senderName: 'Bob',
  count: 3,
  preview: { title: 'Bob', body: '今晚见？' },
  unreadTotal: 4,
  createdAt: '2026-12-06T10:05:00.000Z',
  ...over,
});

describe('Web Push channel', () => {
  const vapid = webpush.generateVAPIDKeys();
  let server: TestServer;
  let push: FakePushService;
  let store: PostgresWebPushStore;
  let channel: NotificationChannel;

  beforeAll(async () => {
    push = await FakePushService.start();
    server = await startTestServer({ PARLEY_VAPID_PUBLIC_KEY: vapid.publicKey, PARLEY_VAPID_PRIVATE_KEY: vapid.privateKey, PARLEY_VAPID_SUBJECT: 'mailto:ops@example.com' });
    await server.token(USER, 'Ann');
    store = new PostgresWebPushStore(server.app.db);
    channel = pushChannels(server.app.config.push, { wechat: new PostgresWeChatPushStore(server.app.db), webPush: store, clock: systemClock })[0]!;
    expect(channel.name).toBe('webpush');
  });
  afterAll(async () => {
    await server?.[Symbol.asyncDispose]();
    await push?.[Symbol.asyncDispose]();
  });
  afterEach(async () => {
    push.requests.length = 0;
    push.statuses.clear();
    for (const s of await store.forUser(USER)) await store.removeEndpoint(s.endpoint);
  });

  it('posts a VAPID-signed, aes128gcm-encrypted payload the service worker can read', async () => {
    const browser = browserKeys();
    await store.save(USER, { endpoint: `${push.origin}/push/laptop`, keys: browser.keys });
    expect(await channel.deliver(notification())).toEqual({ kind: 'sent' });

    const [request] = push.requests;
    expect(request!.path).toBe('/push/laptop');
    expect(request!.headers['content-encoding']).toBe('aes128gcm');
    expect(request!.headers['content-type']).toBe('application/octet-stream');
    expect(request!.headers.ttl).toBe('86400');
    expect(request!.headers.urgency).toBe('high');
    expect(request!.headers.topic).toBe('c5');

    // Authorization: vapid t=<JWT signed with the private key>, k=<the public key browsers subscribed with>
    const match = /^vapid t=([^,]+), k=(.+)$/.exec(String(request!.headers.authorization));
    expect(match).not.toBeNull();
    const [, jwt, k] = match!;
    expect(k).toBe(vapid.publicKey);
    expect(decodeProtectedHeader(jwt!)).toMatchObject({ alg: 'ES256' });
    const point = Buffer.from(k!, 'base64url');
    const key = await importJWK({ kty: 'EC', crv: 'P-256', x: point.subarray(1, 33).toString('base64url'), y: point.subarray(33).toString('base64url') }, 'ES256');
    await jwtVerify(jwt!, key, { audience: push.origin });
    expect(decodeJwt(jwt!)).toMatchObject({ aud: push.origin, sub: 'mailto:ops@example.com' });

    const data = JSON.parse(decryptPush(request!.body, browser));
    expect(data).toEqual(webPushData(notification()));
    expect(data).toEqual({
      title: 'Bob',
      body: '今晚见？',
      conversationId: 5,
      peerId: 22,
      count: 3,
      unreadTotal: 4,
      url: '/?peer=22',
      tag: 'parley-conversation-5',
      notificationId: 'n-42',
    });
  });

  it('sends to every browser of the user and removes the subscriptions the push service calls gone (404, 410)', async () => {
    const endpoints = ['laptop', 'old-phone', 'uninstalled'].map((name) => `${push.origin}/push/${name}`);
    for (const endpoint of endpoints) await store.save(USER, { endpoint, keys: browserKeys().keys });
    push.statuses.set('/push/old-phone', { status: 410 });
    push.statuses.set('/push/uninstalled', { status: 404 });
    expect(await channel.deliver(notification())).toEqual({ kind: 'sent' });
    expect(push.requests.map((r) => r.path).sort()).toEqual(['/push/laptop', '/push/old-phone', '/push/uninstalled']);
    expect((await store.forUser(USER)).map((s) => s.endpoint)).toEqual([endpoints[0]]);

    push.statuses.set('/push/laptop', { status: 410 });
    expect(await channel.deliver(notification())).toEqual({ kind: 'failed', error: 'every Web Push subscription is gone' });
    expect(await store.forUser(USER)).toEqual([]);
    expect(await channel.deliver(notification())).toEqual({ kind: 'skipped', reason: 'no Web Push subscription' });
  });

  it('retries on 429 (after Retry-After) and 5xx and keeps the subscription; ends on other 4xx', async () => {
    await store.save(USER, { endpoint: `${push.origin}/push/busy`, keys: browserKeys().keys });
    push.statuses.set('/push/busy', { status: 429, headers: { 'retry-after': '30' } });
    expect(await channel.deliver(notification())).toEqual({ kind: 'retry', error: 'Web Push service answered HTTP 429', retryAfterMs: 30_000 });
    push.statuses.set('/push/busy', { status: 503 });
    expect((await channel.deliver(notification())).kind).toBe('retry');
    push.statuses.set('/push/busy', { status: 413 });
    expect(await channel.deliver(notification())).toEqual({ kind: 'failed', error: 'Web Push service answered HTTP 413' });
    expect(await store.forUser(USER)).toHaveLength(1);
  });

  it('retries when the push service cannot be reached', async () => {
    await store.save(USER, { endpoint: 'http://127.0.0.1:9/push/nobody-listens', keys: browserKeys().keys });
    expect(await channel.deliver(notification())).toMatchObject({ kind: 'retry', error: expect.stringContaining('unreachable') });
  });
});
