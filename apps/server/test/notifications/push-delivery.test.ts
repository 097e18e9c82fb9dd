/**
 * The push channels behind the outbox, end to end on a real server: a message to a user who is
 * not connected anywhere reaches them as a WeChat subscribe message (spending their one grant),
 * an Official Account template message and an encrypted Web Push, each channel with its own
 * delivery state; with the grant spent, the next notification skips the subscribe message and
 * still goes out on the other two. WeChat and the push service are local HTTP servers.
 */
import webpush from 'web-push';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PostgresWebPushStore } from '../../src/storage/postgres-web-push-store.js';
import { browserKeys, decryptPush, FakePushService } from '../support/fake-push-service.js';
import { FakeWeChat } from '../support/fake-wechat.js';
import { eventually, startTestServer, type TestServer } from '../support/test-app.js';

const ADMIN = 'push-delivery-admin';
const TEMPLATE = 'tmplSubscribe_0001';
const ANN = 41;
const BOB = 42;

describe('push channels behind the outbox', () => {
  const vapid = webpush.generateVAPIDKeys();
  const browser = browserKeys();
  let wechat: FakeWeChat;
  let pushService: FakePushService;
  let server: TestServer;
  let ann: string;
  let bob: string;

  beforeAll(async () => {
    wechat = await FakeWeChat.start();
    pushService = await FakePushService.start();
    server = await startTestServer({
      PARLEY_ADMIN_TOKEN: ADMIN,
      PARLEY_PUSH_COALESCE_MS: '0',
      PARLEY_OUTBOX_POLL_MS: '50',
      PARLEY_PUSH_PREVIEW: 'full',
      PARLEY_WECHAT_APPID: 'wxminiapp0001',
      PARLEY_WECHAT_SECRET: 'mini-secret',
      PARLEY_WECHAT_TEMPLATE_ID: TEMPLATE,
      PARLEY_WECHAT_OA_APPID: 'wxofficial0001',
      PARLEY_WECHAT_OA_SECRET: 'oa-secret',
      PARLEY_WECHAT_OA_TEMPLATE_ID: 'tmplOfficial_0001',
      PARLEY_WECHAT_API_BASE: wechat.url,
      PARLEY_VAPID_PUBLIC_KEY: vapid.publicKey,
      PARLEY_VAPID_PRIVATE_KEY: vapid.privateKey,
      PARLEY_VAPID_SUBJECT: 'mailto:ops@example.com',
    });
    ann = await server.token(ANN, 'Ann');
    bob = await server.token(BOB, 'Bob');
    // Ann's mini-program reported her openIds and one accept; her browser subscribed (a local
    // http endpoint, so through the store: the REST door takes only https push services).
    expect((await server.api(ann, 'PUT', '/push/wechat/openid', { openId: 'oMini_Ann' })).status).toBe(204);
    expect((await server.api(ann, 'PUT', '/push/wechat/oa-openid', { openId: 'oOfficial_Ann' })).status).toBe(204);
    expect((await server.api(ann, 'POST', '/push/wechat/subscriptions', { templateId: TEMPLATE, count: 1 })).body).toEqual({ balance: 1 });
    await new PostgresWebPushStore(server.app.db).save(ANN, { endpoint: `${pushService.origin}/push/ann`, keys: browser.keys });
  });
  afterAll(async () => {
    await server?.[Symbol.asyncDispose]();
    await wechat?.[Symbol.asyncDispose]();
    await pushService?.[Symbol.asyncDispose]();
  });

  const deliveriesOf = async (conversationId: number) => {
    const items = (await server.api(ADMIN, 'GET', '/admin/notifications')).body.items as { conversationId: number; count: number; deliveries: { channel: string; status: string }[] }[];
    const item = items.find((n) => n.conversationId === conversationId && n.deliveries.every((d) => d.status !== 'PENDING' && d.status !== 'RETRY'));
    return item ? Object.fromEntries(item.deliveries.map((d) => [d.channel, d.status])) : null;
  };

  it('reaches an offline user on all three channels, then skips the subscribe message once the grant is spent', async () => {
    const sent = await server.api(bob, 'POST', '/messages', { receiverId: ANN, messageType: 'TEXT', content: '今晚一起吃饭吗？', clientMsgId: 'push-1' });
    expect(sent.status).toBe(201);
    const conversationId = sent.body.conversationId as number;

    await eventually(() => wechat.sends().length === 1 && wechat.sends('/cgi-bin/message/template/send').length === 1 && pushService.requests.length === 1, 'all three channels');
    expect(wechat.sends()[0]!.body).toMatchObject({
      touser: 'oMini_Ann',
      template_id: TEMPLATE,
      page: `pages/chat/index?conversationId=${conversationId}`,
      data: { thing1: { value: 'Bob' }, thing2: { value: '今晚一起吃饭吗？' } },
    });
    expect(wechat.sends('/cgi-bin/message/template/send')[0]!.body).toMatchObject({
      touser: 'oOfficial_Ann',
      miniprogram: { appid: 'wxminiapp0001', pagepath: `pages/chat/index?conversationId=${conversationId}` },
    });
    expect(JSON.parse(decryptPush(pushService.requests[0]!.body, browser))).toMatchObject({ title: 'Bob', body: '今晚一起吃饭吗？', conversationId, peerId: BOB, url: `/?peer=${BOB}` });
    expect((await server.api(ann, 'GET', '/push/wechat/subscriptions')).body).toEqual({ balance: 0 });

    await eventually(() => deliveriesOf(conversationId), 'the first notification settled');
    expect(await deliveriesOf(conversationId)).toEqual({ wechat: 'SENT', wechat_oa: 'SENT', webpush: 'SENT' });

    // The next message: no grant left, so no subscribe message; the other channels still deliver.
    expect((await server.api(bob, 'POST', '/messages', { receiverId: ANN, messageType: 'TEXT', content: '在吗', clientMsgId: 'push-2' })).status).toBe(201);
    await eventually(() => wechat.sends('/cgi-bin/message/template/send').length === 2 && pushService.requests.length === 2, 'the second notification');
    const statuses = await eventually(async () => {
      const items = (await server.api(ADMIN, 'GET', '/admin/notifications')).body.items as { deliveries: { channel: string; status: string }[] }[];
      const latest = items[0];
      return latest && latest.deliveries.every((d) => d.status !== 'PENDING' && d.status !== 'RETRY') ? Object.fromEntries(latest.deliveries.map((d) => [d.channel, d.status])) : null;
    }, 'the second notification settled');
    expect(statuses).toEqual({ wechat: 'SKIPPED', wechat_oa: 'SENT', webpush: 'SENT' });
    expect(wechat.sends()).toHaveLength(1);
    // One token per appid for all of it.
    expect(wechat.tokenCalls('wxminiapp0001')).toHaveLength(1);
    expect(wechat.tokenCalls('wxofficial0001')).toHaveLength(1);
  });
});
