import type { WeChatPushStore } from '../ports/wechat-push-store.js';
import type { DeliveryOutcome, NotificationChannel, NotificationPayload } from './channel.js';
import { isCallFailure, postWithToken, WECHAT_BUSY, type WeChatAccessToken } from './wechat-api.js';
import { conversationPage, templateData } from './wechat-template-data.js';

/** The user has no subscribe-message quota left for the template (refused, or never granted). */
const NO_GRANT = 43101;

export interface WeChatSubscribeSettings {
  apiBase: string;
  templateId: string;
  page: string;
  timeZone: string;
}

/**
 * WeChat mini-program subscribe messages. Every `accept` of `wx.requestSubscribeMessage` allows
 * exactly one message, so a grant is taken before each send and given back when WeChat did not
 * use it; with no grant left nothing is sent. WeChat's 43101 means our count was wrong (or the
 * user withdrew): the balance becomes 0 until the mini-program reports new grants.
 */
export class WeChatSubscribeChannel implements NotificationChannel {
  readonly name = 'wechat';

  constructor(
    private readonly deps: { store: WeChatPushStore; tokens: WeChatAccessToken; settings: WeChatSubscribeSettings },
  ) {}

  async deliver(n: NotificationPayload): Promise<DeliveryOutcome> {
    const { store, tokens, settings } = this.deps;
    const openId = await store.takeGrant(n.userId);
    if (openId === null) {
      const account = await store.get(n.userId);
      return { kind: 'skipped', reason: account.openId === null ? 'no WeChat mini-program openId' : 'no subscribe-message grant left' };
    }
    const result = await postWithToken(tokens, settings.apiBase, '/cgi-bin/message/subscribe/send', {
      touser: openId,
      template_id: settings.templateId,
      page: conversationPage(settings.page, n.conversationId),
      data: templateData(n, settings.timeZone),
      miniprogram_state: 'formal',
    });
    if (!isCallFailure(result) && result.errcode === 0) return { kind: 'sent' };
    if (!isCallFailure(result) && result.errcode === NO_GRANT) {
      await store.clearGrants(n.userId);
      return { kind: 'failed', error: `WeChat: no subscribe-message grant (43101 ${result.errmsg})`.trim() };
    }
    // WeChat did not send it, so the grant is still the user's.
    await store.returnGrant(n.userId);
    if (isCallFailure(result)) return result;
    const error = `WeChat subscribe message refused: ${result.errcode} ${result.errmsg}`.trim();
    return WECHAT_BUSY.has(result.errcode) ? { kind: 'retry', error } : { kind: 'failed', error };
  }
}
