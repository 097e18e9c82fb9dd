import type { PushChannelsConfig } from '../config.js';
import type { Clock } from '../ports/clock.js';
import type { WebPushStore } from '../ports/web-push-store.js';
import type { WeChatPushStore } from '../ports/wechat-push-store.js';
import type { NotificationChannel } from './channel.js';
import { WebPushChannel } from './web-push-channel.js';
import { WeChatAccessToken } from './wechat-api.js';
import { WeChatOfficialAccountChannel } from './wechat-official-account-channel.js';
import { WeChatSubscribeChannel } from './wechat-subscribe-channel.js';

/**
 * The push channels whose settings are present: WeChat subscribe, WeChat Official Account, Web
 * Push. `requestTimeoutMs` bounds each call to an outside service (10 s when not given).
 */
export function pushChannels(
  config: PushChannelsConfig,
  deps: { wechat: WeChatPushStore; webPush: WebPushStore; clock: Clock; requestTimeoutMs?: number },
): NotificationChannel[] {
  const channels: NotificationChannel[] = [];
  const apiBase = config.wechatApiBase;
  if (config.wechat) {
    const { appId, secret, templateId, page } = config.wechat;
    channels.push(
      new WeChatSubscribeChannel({
        store: deps.wechat,
        tokens: new WeChatAccessToken({ apiBase, appId, secret }, deps.clock, deps.requestTimeoutMs),
        settings: { apiBase, templateId, page, timeZone: config.wechatTimeZone },
      }),
    );
  }
  if (config.wechatOa) {
    const { appId, secret, templateId } = config.wechatOa;
    channels.push(
      new WeChatOfficialAccountChannel({
        store: deps.wechat,
        tokens: new WeChatAccessToken({ apiBase, appId, secret }, deps.clock, deps.requestTimeoutMs),
        settings: { apiBase, templateId, timeZone: config.wechatTimeZone, miniProgram: config.wechat ? { appId: config.wechat.appId, page: config.wechat.page } : null },
      }),
    );
  }
  if (config.webPush) channels.push(new WebPushChannel({ store: deps.webPush, settings: config.webPush, timeoutMs: deps.requestTimeoutMs }));
  return channels;
}
