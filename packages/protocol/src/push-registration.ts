/**
 * Registrations for offline notifications (docs/notifications.md): a user's WeChat openIds, the
 * subscribe-message grants their mini-program reports, and their browsers' Web Push
 * subscriptions. One schema per message, the types derived from them.
 */
import { Type, type Static } from '@sinclair/typebox';
import { AdminUserBody } from './schemas.js';

/** A WeChat openId or template id: WeChat's ids are URL-safe base64-like tokens. */
const WeChatToken = Type.String({ minLength: 1, maxLength: 128, pattern: '^[A-Za-z0-9_-]+$' });
const Base64Url = (maxLength: number) => Type.String({ minLength: 1, maxLength, pattern: '^[A-Za-z0-9_-]+=*$' });

/** Most subscribe-message grants one user can hold; WeChat itself answers 43101 once they are spent. */
export const WECHAT_GRANT_BALANCE_CAP = 1000;

/** `PUT /push/wechat/openid` and `PUT /push/wechat/oa-openid`. */
export const WeChatOpenIdBody = Type.Object({ openId: WeChatToken });
export type WeChatOpenIdBody = Static<typeof WeChatOpenIdBody>;

/** `POST /push/wechat/subscriptions`: grants reported after `wx.requestSubscribeMessage` answered `accept`. */
export const WeChatGrantBody = Type.Object({
  templateId: WeChatToken,
  count: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, description: 'grants reported at once; 1 when absent' })),
});
export type WeChatGrantBody = Static<typeof WeChatGrantBody>;

/** The openIds the host application may set through `PUT /admin/users/{id}` (null clears). */
export const WeChatOpenIdsFields = {
  wechatOpenId: Type.Optional(Type.Union([WeChatToken, Type.Null()])),
  wechatOaOpenId: Type.Optional(Type.Union([WeChatToken, Type.Null()])),
};

export interface WeChatGrantBalance {
  balance: number;
}

/**
 * A browser `PushSubscription` as `toJSON()` gives it. Push services are https; an `http:`
 * endpoint would let a user make the server post to any address.
 */
export const WebPushSubscriptionBody = Type.Object({
  endpoint: Type.String({ minLength: 9, maxLength: 2048, pattern: '^https://[^\\s]+$' }),
  expirationTime: Type.Optional(Type.Union([Type.Number(), Type.Null()])),
  keys: Type.Object({ p256dh: Base64Url(256), auth: Base64Url(64) }),
});
export type WebPushSubscriptionBody = Static<typeof WebPushSubscriptionBody>;

/** `DELETE /push/webpush/subscriptions`. */
export const WebPushUnsubscribeBody = Type.Object({ endpoint: Type.String({ minLength: 1, maxLength: 2048, pattern: '^[^\\s]+$' }) });
export type WebPushUnsubscribeBody = Static<typeof WebPushUnsubscribeBody>;

export interface WebPushPublicKey {
  publicKey: string;
}

/**
 * What the Web Push channel sends (encrypted) to a browser's service worker: the notification's
 * text, where clicking it leads, and a tag so a newer notice of the same conversation replaces
 * the older one instead of stacking up.
 */
export interface WebPushNotificationData {
  title: string;
  body: string;
  conversationId: number;
  /** The other user of the conversation (the sender): the web client opens chats by peer. */
  peerId: number;
  count: number;
  unreadTotal: number;
  /** Path of the web client that opens the conversation, relative to the server's origin. */
  url: string;
  tag: string;
  notificationId: string;
}

/** `PUT /admin/users/{id}`: the profile fields, and the user's WeChat openIds for the push channels. */
export const AdminUserUpsertBody = Type.Object({ ...AdminUserBody.properties, ...WeChatOpenIdsFields });
export type AdminUserUpsertBody = Static<typeof AdminUserUpsertBody>;
