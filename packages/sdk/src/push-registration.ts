/**
 * Registering for offline notifications (docs/notifications.md): a browser's Web Push
 * subscription, and for mini-programs the WeChat openIds and the subscribe-message grants that
 * `wx.requestSubscribeMessage` / `uni.requestSubscribeMessage` hand out one at a time.
 * Each helper takes the client's REST calls (`client.api`).
 *
 * ```ts
 * const registration = await navigator.serviceWorker.register('/sw.js');
 * if ((await Notification.requestPermission()) === 'granted') await registerWebPush(client.api, registration);
 *
 * // mini-program, in a tap handler:
 * wx.requestSubscribeMessage({ tmplIds: [TEMPLATE_ID], success: (r) => reportWeChatSubscribeGrants(client.api, r) });
 * ```
 */
import type { WebPushPublicKey, WebPushSubscriptionBody, WeChatGrantBalance } from '@parley/protocol';
import type { RestApi } from './rest-api.js';

/** The parts of a browser `PushSubscription` the helpers use. */
export interface PushSubscriptionLike {
  readonly endpoint: string;
  readonly options?: { readonly applicationServerKey?: ArrayBuffer | null };
  toJSON(): { endpoint?: string; expirationTime?: number | null; keys?: Record<string, string> };
  unsubscribe(): Promise<boolean>;
}

/** The parts of a browser `ServiceWorkerRegistration` the helpers use (its `pushManager`). */
export interface PushRegistrationLike {
  readonly pushManager: {
    getSubscription(): Promise<PushSubscriptionLike | null>;
    subscribe(options: { userVisibleOnly: boolean; applicationServerKey: Uint8Array<ArrayBuffer> }): Promise<PushSubscriptionLike>;
  };
}

/** The answer of `wx.requestSubscribeMessage`: `errMsg` plus one entry per template id (`accept`, `reject`, `ban`, `filter`). */
export type WeChatSubscribeResult = Record<string, string>;

function base64UrlToBytes(text: string): Uint8Array<ArrayBuffer> {
  const base64 = text.replace(/-/g, '+').replace(/_/g, '/').replace(/=+$/, '');
  const binary = atob(base64 + '='.repeat((4 - (base64.length % 4)) % 4));
  return Uint8Array.from(binary, (c) => c.charCodeAt(0));
}

function sameBytes(a: ArrayBuffer, b: Uint8Array): boolean {
  const view = new Uint8Array(a);
  return view.length === b.length && view.every((byte, i) => byte === b[i]);
}

/**
 * Subscribes this browser with the server's VAPID key and registers the subscription, so the
 * user gets notifications while no tab is connected. Call it after `Notification.requestPermission()`
 * answered `granted`. A subscription made with another key (the server's key changed) is replaced.
 * Answers the registered subscription.
 */
export async function registerWebPush(api: RestApi, registration: PushRegistrationLike): Promise<WebPushSubscriptionBody> {
  const { publicKey } = await api.request<WebPushPublicKey>('GET', '/push/webpush/key');
  const key = base64UrlToBytes(publicKey);
  let subscription = await registration.pushManager.getSubscription();
  const subscribedKey = subscription?.options?.applicationServerKey;
  if (subscription && subscribedKey && !sameBytes(subscribedKey, key)) {
    await subscription.unsubscribe();
    subscription = null;
  }
  subscription ??= await registration.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: key });
  const json = subscription.toJSON();
  const body: WebPushSubscriptionBody = {
    endpoint: json.endpoint ?? subscription.endpoint,
    expirationTime: json.expirationTime ?? null,
    keys: { p256dh: json.keys?.p256dh ?? '', auth: json.keys?.auth ?? '' },
  };
  await api.request('POST', '/push/webpush/subscriptions', body);
  return body;
}

/**
 * Stops notifications to this browser: removes the subscription from the server, then from the
 * browser. Answers false when the browser had none. Call it when the user signs out.
 */
export async function unregisterWebPush(api: RestApi, registration: PushRegistrationLike): Promise<boolean> {
  const subscription = await registration.pushManager.getSubscription();
  if (!subscription) return false;
  await api.request('DELETE', '/push/webpush/subscriptions', { endpoint: subscription.endpoint });
  await subscription.unsubscribe();
  return true;
}

/**
 * Reports every `accept` in a `wx.requestSubscribeMessage` (or `uni.requestSubscribeMessage`)
 * answer as one grant: WeChat lets the server send one subscribe message per accept. Pass
 * `templateId` (the server's `PARLEY_WECHAT_TEMPLATE_ID`) when the mini-program asked for other
 * templates too. Answers the balance after the last report, or null when nothing was accepted.
 */
export async function reportWeChatSubscribeGrants(api: RestApi, result: WeChatSubscribeResult, templateId?: string): Promise<WeChatGrantBalance | null> {
  let balance: WeChatGrantBalance | null = null;
  for (const [id, answer] of Object.entries(result)) {
    if (id === 'errMsg' || answer !== 'accept' || (templateId !== undefined && id !== templateId)) continue;
    balance = await api.request<WeChatGrantBalance>('POST', '/push/wechat/subscriptions', { templateId: id, count: 1 });
  }
  return balance;
}

/** Subscribe messages the user has allowed and not yet received: ask again (in a tap) when it is low. */
export function weChatGrantBalance(api: RestApi): Promise<WeChatGrantBalance> {
  return api.request<WeChatGrantBalance>('GET', '/push/wechat/subscriptions');
}

/** The user's mini-program openId (from `wx.login` through the host app's backend), for subscribe messages. */
export async function setWeChatOpenId(api: RestApi, openId: string): Promise<void> {
  await api.request('PUT', '/push/wechat/openid', { openId });
}

/** The user's Official Account openId (a different id than the mini-program's), for template messages. */
export async function setWeChatOaOpenId(api: RestApi, openId: string): Promise<void> {
  await api.request('PUT', '/push/wechat/oa-openid', { openId });
}
