/**
 * The push registration helpers against the real server: a browser's PushManager is stubbed (no
 * push service is reachable from tests), so the test sees what the helper asks of it and what the
 * server keeps; the WeChat helpers take a `wx.requestSubscribeMessage` answer as WeChat gives it.
 */
import { createECDH } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ParleyClient,
  ParleyError,
  registerWebPush,
  reportWeChatSubscribeGrants,
  setWeChatOaOpenId,
  setWeChatOpenId,
  unregisterWebPush,
  weChatGrantBalance,
  type PushRegistrationLike,
  type PushSubscriptionLike,
} from '../src/index.js';
import { devToken, startInProcessServer, type RunningServer } from './helpers/real-server.js';

const TEMPLATE = 'tmplParleyMessage_01';

/** A VAPID key pair as `web-push generate-vapid-keys` prints it. */
function vapidKeys() {
  const ecdh = createECDH('prime256v1');
  ecdh.generateKeys();
  return { publicKey: ecdh.getPublicKey().toString('base64url'), privateKey: ecdh.getPrivateKey().toString('base64url') };
}

/** A PushManager that records its calls and hands out subscriptions to a made-up push service. */
class StubPushManager {
  current: (PushSubscriptionLike & { unsubscribed: boolean }) | null = null;
  subscribeCalls: { userVisibleOnly: boolean; applicationServerKey: Uint8Array }[] = [];
  private made = 0;

  async getSubscription() {
    return this.current;
  }

  async subscribe(options: { userVisibleOnly: boolean; applicationServerKey: Uint8Array }) {
    this.subscribeCalls.push(options);
    this.current = this.subscription(`https://push.example.com/send/${++this.made}`, options.applicationServerKey);
    return this.current;
  }

  subscription(endpoint: string, key: Uint8Array) {
    const forget = (s: unknown) => {
      if (this.current === s) this.current = null;
    };
    const sub = {
      endpoint,
      unsubscribed: false,
      options: { applicationServerKey: key.slice().buffer },
      toJSON: () => ({ endpoint, expirationTime: null, keys: { p256dh: 'BPcMbnWQL5GOYX_5SR8anNH9fyZGFqkpUBhuyJuV7e2ldz2VHDaVnD4DAKzpgkg3ZWOpL8gdcgxF8Z7tzqjCsVE', auth: '4vQK-SvRAN5eo-8ASlrwAw' } }),
      async unsubscribe() {
        sub.unsubscribed = true;
        forget(sub);
        return true;
      },
    };
    return sub;
  }
}

describe('push registration helpers', () => {
  const vapid = vapidKeys();
  let server: RunningServer;
  let client: ParleyClient;

  beforeAll(async () => {
    server = await startInProcessServer({
      PARLEY_DEV_AUTH: 'true',
      PARLEY_VAPID_PUBLIC_KEY: vapid.publicKey,
      PARLEY_VAPID_PRIVATE_KEY: vapid.privateKey,
      PARLEY_VAPID_SUBJECT: 'mailto:ops@example.com',
      PARLEY_WECHAT_APPID: 'wxminiapp0001',
      PARLEY_WECHAT_SECRET: 'mini-secret',
      PARLEY_WECHAT_TEMPLATE_ID: TEMPLATE,
      PARLEY_WECHAT_OA_APPID: 'wxofficial0001',
      PARLEY_WECHAT_OA_SECRET: 'oa-secret',
      PARLEY_WECHAT_OA_TEMPLATE_ID: 'tmplOfficial_01',
    });
    client = new ParleyClient({ baseUrl: server.baseUrl, token: () => devToken(server.baseUrl, 31, 'Ann') });
  });
  afterAll(async () => {
    await server?.stop();
  });

  it('subscribes with the server key, registers the subscription, and removes it from server and browser', async () => {
    const pushManager = new StubPushManager();
    const registration: PushRegistrationLike = { pushManager };
    const registered = await registerWebPush(client.api, registration);
    expect(pushManager.subscribeCalls).toHaveLength(1);
    expect(pushManager.subscribeCalls[0]!.userVisibleOnly).toBe(true);
    expect(Buffer.from(pushManager.subscribeCalls[0]!.applicationServerKey).toString('base64url')).toBe(vapid.publicKey);
    expect(registered).toMatchObject({ endpoint: 'https://push.example.com/send/1', keys: { auth: '4vQK-SvRAN5eo-8ASlrwAw' } });

    // Registering again keeps the browser's subscription.
    await registerWebPush(client.api, registration);
    expect(pushManager.subscribeCalls).toHaveLength(1);

    const subscription = pushManager.current!;
    expect(await unregisterWebPush(client.api, registration)).toBe(true);
    expect(subscription.unsubscribed).toBe(true);
    expect(await unregisterWebPush(client.api, registration)).toBe(false);
  });

  it('replaces a subscription made with another key (the server key changed)', async () => {
    const pushManager = new StubPushManager();
    const stale = pushManager.subscription('https://push.example.com/send/old', Buffer.from(vapidKeys().publicKey, 'base64url'));
    pushManager.current = stale;
    await registerWebPush(client.api, { pushManager });
    expect(stale.unsubscribed).toBe(true);
    expect(pushManager.subscribeCalls).toHaveLength(1);
    expect(pushManager.current!.endpoint).toBe('https://push.example.com/send/1');
  });

  it('reports each accept of wx.requestSubscribeMessage as one grant', async () => {
    expect(await weChatGrantBalance(client.api)).toEqual({ balance: 0 });
    expect(await reportWeChatSubscribeGrants(client.api, { errMsg: 'requestSubscribeMessage:ok', [TEMPLATE]: 'accept' })).toEqual({ balance: 1 });
    expect(await reportWeChatSubscribeGrants(client.api, { errMsg: 'requestSubscribeMessage:ok', [TEMPLATE]: 'reject' })).toBeNull();
    // Another template of the mini-program is left alone when the server's template is named.
    const both = { errMsg: 'requestSubscribeMessage:ok', [TEMPLATE]: 'accept', tmplOrderShipped_01: 'accept' };
    expect(await reportWeChatSubscribeGrants(client.api, both, TEMPLATE)).toEqual({ balance: 2 });
    await expect(reportWeChatSubscribeGrants(client.api, { tmplOrderShipped_01: 'accept' })).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
    expect(await weChatGrantBalance(client.api)).toEqual({ balance: 2 });
  });

  it('sets the openIds, and refuses one that is not a WeChat id', async () => {
    await setWeChatOpenId(client.api, 'oMini_Ann');
    await setWeChatOaOpenId(client.api, 'oOfficial_Ann');
    const refused = await setWeChatOpenId(client.api, 'not an id').catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(ParleyError);
    expect(refused).toMatchObject({ code: 'VALIDATION_FAILED' });
  });
});
