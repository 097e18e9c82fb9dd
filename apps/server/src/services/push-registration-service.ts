import { WECHAT_GRANT_BALANCE_CAP, type WebPushSubscriptionBody, type WeChatGrantBalance } from '@parley/protocol';
import { AppError } from '../domain/app-error.js';
import type { WebPushStore } from '../ports/web-push-store.js';
import type { WeChatOpenIdsPatch, WeChatPushAccount, WeChatPushStore } from '../ports/wechat-push-store.js';

/** Which push channels this deployment has turned on, as far as registering for them goes. */
export interface PushRegistrationSettings {
  /** The subscribe-message template grants must be for; null → WeChat subscribe messages are off. */
  wechatTemplateId: string | null;
  wechatOfficialAccount: boolean;
  /** VAPID public key browsers subscribe with; null → Web Push is off. */
  webPushPublicKey: string | null;
}

/**
 * Where a user wants to be reached while offline: their WeChat openIds, the subscribe-message
 * grants their mini-program collected, their browsers' push subscriptions. A channel that is not
 * configured does not exist for clients (NOT_FOUND), so a client can tell "off" from "refused".
 */
export class PushRegistrationService {
  constructor(private readonly deps: { wechat: WeChatPushStore; webPush: WebPushStore; settings: PushRegistrationSettings }) {}

  async setWeChatOpenId(userId: number, openId: string): Promise<void> {
    this.wechatTemplateId();
    await this.deps.wechat.setOpenIds(userId, { openId });
  }

  async setWeChatOaOpenId(userId: number, openId: string): Promise<void> {
    if (!this.deps.settings.wechatOfficialAccount) throw new AppError('NOT_FOUND', 'WeChat Official Account messages are not configured on this server');
    await this.deps.wechat.setOpenIds(userId, { oaOpenId: openId });
  }

  /** A grant per `accept` of `wx.requestSubscribeMessage`; only for the template this server sends. */
  async addWeChatGrants(userId: number, templateId: string, count: number): Promise<WeChatGrantBalance> {
    const expected = this.wechatTemplateId();
    if (templateId !== expected) throw new AppError('VALIDATION_FAILED', `templateId: this server sends template ${expected}`);
    return { balance: await this.deps.wechat.addGrants(userId, count, WECHAT_GRANT_BALANCE_CAP) };
  }

  async weChatGrantBalance(userId: number): Promise<WeChatGrantBalance> {
    this.wechatTemplateId();
    return { balance: (await this.deps.wechat.get(userId)).grantBalance };
  }

  /** The admin API sets either openId whether or not its channel is on: the host app owns the data. */
  async setWeChatOpenIdsAsAdmin(userId: number, patch: WeChatOpenIdsPatch): Promise<WeChatPushAccount> {
    return this.deps.wechat.setOpenIds(userId, patch);
  }

  async weChatAccount(userId: number): Promise<WeChatPushAccount> {
    return this.deps.wechat.get(userId);
  }

  webPushPublicKey(): { publicKey: string } {
    return { publicKey: this.vapidPublicKey() };
  }

  async subscribeWebPush(userId: number, subscription: WebPushSubscriptionBody): Promise<void> {
    this.vapidPublicKey();
    await this.deps.webPush.save(userId, { endpoint: subscription.endpoint, keys: { p256dh: subscription.keys.p256dh, auth: subscription.keys.auth } });
  }

  /** Removing a subscription the user does not hold is not an error: the outcome is the same. */
  async unsubscribeWebPush(userId: number, endpoint: string): Promise<void> {
    this.vapidPublicKey();
    await this.deps.webPush.remove(userId, endpoint);
  }

  private wechatTemplateId(): string {
    const id = this.deps.settings.wechatTemplateId;
    if (id === null) throw new AppError('NOT_FOUND', 'WeChat subscribe messages are not configured on this server');
    return id;
  }

  private vapidPublicKey(): string {
    const key = this.deps.settings.webPushPublicKey;
    if (key === null) throw new AppError('NOT_FOUND', 'Web Push is not configured on this server');
    return key;
  }
}
