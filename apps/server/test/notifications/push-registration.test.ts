/**
 * `/push/**`: a user registers where offline notifications reach them — WeChat openIds, the
 * subscribe-message grants their mini-program collected, Web Push subscriptions — and the host
 * app sets the openIds through the admin API. A channel that is not configured answers 404.
 */
import webpush from 'web-push';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PostgresWebPushStore } from '../../src/storage/postgres-web-push-store.js';
import { expectError } from '../rest/rest-helpers.js';
import { startTestServer, type TestServer } from '../support/test-app.js';

const TEMPLATE = 'tmplSubscribe_0001';
const ADMIN = 'push-admin-token';
const subscription = (endpoint: string) => ({ endpoint, expirationTime: null, keys: { p256dh: 'BPcMbnWQL5GOYX_5SR8anNH9fyZGFqkpUBhuyJuV7e2ldz2VHDaVnD4DAKzpgkg3ZWOpL8gdcgxF8Z7tzqjCsVE', auth: '4vQK-SvRAN5eo-8ASlrwAw' } });

describe('push registration while no push channel is configured', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(async () => {
    await server?.[Symbol.asyncDispose]();
  });

  it('answers 404 NOT_FOUND on every /push route, and 401 without a token', async () => {
    const token = await server.token(1, 'Ann');
    const calls: [string, string, unknown?][] = [
      ['PUT', '/push/wechat/openid', { openId: 'oAnn' }],
      ['PUT', '/push/wechat/oa-openid', { openId: 'oAnn' }],
      ['POST', '/push/wechat/subscriptions', { templateId: TEMPLATE, count: 1 }],
      ['GET', '/push/wechat/subscriptions'],
      ['GET', '/push/webpush/key'],
      ['POST', '/push/webpush/subscriptions', subscription('https://push.example.com/1')],
      ['DELETE', '/push/webpush/subscriptions', { endpoint: 'https://push.example.com/1' }],
    ];
    for (const [method, path, body] of calls) {
      expectError(await server.api(token, method, path, body), 404, 'NOT_FOUND');
      expectError(await server.api('', method, path, body), 401, 'UNAUTHORIZED');
    }
  });
});

describe('push registration', () => {
  let server: TestServer;
  const vapid = webpush.generateVAPIDKeys();
  beforeAll(async () => {
    server = await startTestServer({
      PARLEY_ADMIN_TOKEN: ADMIN,
      PARLEY_WECHAT_APPID: 'wxminiapp0001',
      PARLEY_WECHAT_SECRET: 'mini-secret',
      PARLEY_WECHAT_TEMPLATE_ID: TEMPLATE,
      PARLEY_WECHAT_OA_APPID: 'wxofficial0001',
      PARLEY_WECHAT_OA_SECRET: 'oa-secret',
      PARLEY_WECHAT_OA_TEMPLATE_ID: 'tmplOfficial_0001',
      PARLEY_VAPID_PUBLIC_KEY: vapid.publicKey,
      PARLEY_VAPID_PRIVATE_KEY: vapid.privateKey,
      PARLEY_VAPID_SUBJECT: 'mailto:ops@example.com',
    });
  });
  afterAll(async () => {
    await server?.[Symbol.asyncDispose]();
  });
  const admin = (method: string, path: string, body?: unknown) => server.api(ADMIN, method, path, body);

  it('keeps the openIds a user reports; the admin API shows and changes them', async () => {
    const ann = await server.token(11, 'Ann');
    expect((await server.api(ann, 'PUT', '/push/wechat/openid', { openId: 'oMini_Ann-1' })).status).toBe(204);
    expect((await server.api(ann, 'PUT', '/push/wechat/oa-openid', { openId: 'oOfficial_Ann-1' })).status).toBe(204);
    expect((await admin('GET', '/admin/users/11')).body).toMatchObject({ id: 11, name: 'Ann', wechatOpenId: 'oMini_Ann-1', wechatOaOpenId: 'oOfficial_Ann-1' });

    const changed = await admin('PUT', '/admin/users/11', { wechatOaOpenId: null, name: 'Ann L.' });
    expect(changed.body).toMatchObject({ id: 11, name: 'Ann L.', wechatOpenId: 'oMini_Ann-1', wechatOaOpenId: null });
    // The host app may register a user it creates in the same call.
    const created = await admin('PUT', '/admin/users/12', { name: 'Cy', wechatOpenId: 'oMini_Cy', wechatOaOpenId: 'oOfficial_Cy' });
    expect(created.body).toMatchObject({ id: 12, name: 'Cy', wechatOpenId: 'oMini_Cy', wechatOaOpenId: 'oOfficial_Cy' });
    // The user's own profile does not carry them.
    expect((await server.api(ann, 'GET', '/users/me')).body).not.toHaveProperty('wechatOpenId');
  });

  it('refuses openIds that are not WeChat ids', async () => {
    const ann = await server.token(11, 'Ann');
    for (const openId of ['', 'has space', 'x'.repeat(129), 'o/../../x', 42]) {
      expectError(await server.api(ann, 'PUT', '/push/wechat/openid', { openId }), 400, 'VALIDATION_FAILED');
    }
    expectError(await admin('PUT', '/admin/users/11', { wechatOpenId: 'bad id' }), 400, 'VALIDATION_FAILED');
  });

  it('counts subscribe-message grants for the configured template only', async () => {
    const bo = await server.token(13, 'Bo');
    expect((await server.api(bo, 'GET', '/push/wechat/subscriptions')).body).toEqual({ balance: 0 });
    expect((await server.api(bo, 'POST', '/push/wechat/subscriptions', { templateId: TEMPLATE, count: 1 })).body).toEqual({ balance: 1 });
    expect((await server.api(bo, 'POST', '/push/wechat/subscriptions', { templateId: TEMPLATE })).body).toEqual({ balance: 2 });
    expect((await server.api(bo, 'POST', '/push/wechat/subscriptions', { templateId: TEMPLATE, count: 3 })).body).toEqual({ balance: 5 });
    expectError(await server.api(bo, 'POST', '/push/wechat/subscriptions', { templateId: 'tmplSomeoneElse', count: 1 }), 400, 'VALIDATION_FAILED');
    for (const count of [0, -1, 101, 1.5, '1']) {
      expectError(await server.api(bo, 'POST', '/push/wechat/subscriptions', { templateId: TEMPLATE, count }), 400, 'VALIDATION_FAILED');
    }
    expect((await server.api(bo, 'GET', '/push/wechat/subscriptions')).body).toEqual({ balance: 5 });
  });

  it('hands out the VAPID public key and keeps one subscription per browser endpoint', async () => {
    const ann = await server.token(11, 'Ann');
    const bo = await server.token(13, 'Bo');
    expect((await server.api(ann, 'GET', '/push/webpush/key')).body).toEqual({ publicKey: vapid.publicKey });
    const store = new PostgresWebPushStore(server.app.db);

    expect((await server.api(ann, 'POST', '/push/webpush/subscriptions', subscription('https://push.example.com/ann-laptop'))).status).toBe(204);
    expect((await server.api(ann, 'POST', '/push/webpush/subscriptions', subscription('https://push.example.com/ann-phone'))).status).toBe(204);
    expect((await store.forUser(11)).map((s) => s.endpoint)).toEqual(['https://push.example.com/ann-laptop', 'https://push.example.com/ann-phone']);

    // Registering again is harmless; another user signing in on the same browser takes its endpoint over.
    expect((await server.api(ann, 'POST', '/push/webpush/subscriptions', subscription('https://push.example.com/ann-laptop'))).status).toBe(204);
    expect((await server.api(bo, 'POST', '/push/webpush/subscriptions', subscription('https://push.example.com/ann-laptop'))).status).toBe(204);
    expect((await store.forUser(11)).map((s) => s.endpoint)).toEqual(['https://push.example.com/ann-phone']);
    expect((await store.forUser(13)).map((s) => s.endpoint)).toEqual(['https://push.example.com/ann-laptop']);

    // Only the holder removes a subscription; removing one you do not hold changes nothing.
    expect((await server.api(ann, 'DELETE', '/push/webpush/subscriptions', { endpoint: 'https://push.example.com/ann-laptop' })).status).toBe(204);
    expect((await store.forUser(13)).map((s) => s.endpoint)).toEqual(['https://push.example.com/ann-laptop']);
    expect((await server.api(bo, 'DELETE', '/push/webpush/subscriptions', { endpoint: 'https://push.example.com/ann-laptop' })).status).toBe(204);
    expect(await store.forUser(13)).toEqual([]);
  });

  it('refuses subscriptions that are not https push endpoints with keys', async () => {
    const ann = await server.token(11, 'Ann');
    const good = subscription('https://push.example.com/x');
    const bad: unknown[] = [
      { ...good, endpoint: 'http://169.254.169.254/latest' },
      { ...good, endpoint: 'file:///etc/passwd' },
      { ...good, keys: { p256dh: good.keys.p256dh } },
      { ...good, keys: { p256dh: 'not base64!', auth: good.keys.auth } },
      { endpoint: good.endpoint },
    ];
    for (const body of bad) expectError(await server.api(ann, 'POST', '/push/webpush/subscriptions', body), 400, 'VALIDATION_FAILED');
  });
});
