import type { WeChatPushStore } from '../ports/wechat-push-store.js';
import type { DeliveryOutcome, NotificationChannel, NotificationPayload } from './channel.js';
import { isCallFailure, postWithToken, WECHAT_BUSY, type WeChatAccessToken } from './wechat-api.js';
import { conversationPage, templateData } from './wechat-template-data.js';

/** The user does not follow the Official Account. */
const NOT_FOLLOWING = 43004;

export interface WeChatOfficialAccountSettings {
  apiBase: string;
  templateId: string;
  timeZone: string;
  /** The mini-program a click opens (`PARLEY_WECHAT_APPID`) and its page; null → the message opens nothing. */
  miniProgram: { appId: string; page: string } | null;
}

/**
 * WeChat Official Account (服务号) template messages: no grants, the user follows the account.
 * Its own access token (another appid); a click jumps into the mini-program's conversation page.
 */
export class WeChatOfficialAccountChannel implements NotificationChannel {
  readonly name = 'wechat_oa';

  constructor(
    private readonly deps: { store: WeChatPushStore; tokens: WeChatAccessToken; settings: WeChatOfficialAccountSettings },
  ) {}

  async deliver(n: NotificationPayload): Promise<DeliveryOutcome> {
    const { store, tokens, settings } = this.deps;
    const { oaOpenId } = await store.get(n.userId);
    if (oaOpenId === null) return { kind: 'skipped', reason: 'no WeChat Official Account openId' };
    const result = await postWithToken(tokens, settings.apiBase, '/cgi-bin/message/template/send', {
      touser: oaOpenId,
      template_id: settings.templateId,
      ...(settings.miniProgram ? { miniprogram: { appid: settings.miniProgram.appId, pagepath: conversationPage(settings.miniProgram.page, n.conversationId) } } : {}),
      data: templateData(n, settings.timeZone),
    });
    if (isCallFailure(result)) return result;
    if (result.errcode === 0) return { kind: 'sent' };
    if (result.errcode === NOT_FOLLOWING) return { kind: 'failed', error: `WeChat: the user does not follow the Official Account (43004 ${result.errmsg})`.trim() };
    const error = `WeChat template message refused: ${result.errcode} ${result.errmsg}`.trim();
    return WECHAT_BUSY.has(result.errcode) ? { kind: 'retry', error } : { kind: 'failed', error };
  }
}
