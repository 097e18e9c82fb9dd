import type { WebPushNotificationData } from '@parley/protocol';
import webpush from 'web-push';
import type { WebPushStore, WebPushSubscription } from '../ports/web-push-store.js';
import type { DeliveryOutcome, NotificationChannel, NotificationPayload } from './channel.js';
import { OUTSIDE_CALL_TIMEOUT_MS, outcomeOfNetworkError, outcomeOfStatus } from './http-outcome.js';

export interface WebPushSettings {
  publicKey: string;
  privateKey: string;
  /** `mailto:` or `https:` contact the push services may use to reach the operator. */
  subject: string;
}

/** A push service keeps an undelivered message this long (seconds): a day-old chat notice is stale. */
const TTL_SECONDS = 24 * 3600;

/** What the web client's service worker shows, and where a click leads. */
export function webPushData(n: NotificationPayload): WebPushNotificationData {
  return {
    title: n.preview.title,
    body: n.preview.body,
    conversationId: n.conversationId,
    peerId: n.senderId,
    count: n.count,
    unreadTotal: n.unreadTotal,
    url: `/?peer=${n.senderId}`,
    tag: `parley-conversation-${n.conversationId}`,
    notificationId: n.id,
  };
}

/**
 * Web Push (RFC 8030) with VAPID (RFC 8292) and aes128gcm payload encryption (RFC 8291) to every
 * browser the user subscribed. `web-push` signs and encrypts; the request itself goes out with
 * fetch, like every other outside call, so timeouts and answers are read in one way. A
 * subscription the push service calls gone (404, 410) is removed.
 */
export class WebPushChannel implements NotificationChannel {
  readonly name = 'webpush';

  constructor(private readonly deps: { store: WebPushStore; settings: WebPushSettings; timeoutMs?: number }) {}

  async deliver(n: NotificationPayload): Promise<DeliveryOutcome> {
    const subscriptions = await this.deps.store.forUser(n.userId);
    if (subscriptions.length === 0) return { kind: 'skipped', reason: 'no Web Push subscription' };
    const payload = JSON.stringify(webPushData(n));
    const outcomes = await Promise.all(subscriptions.map((s) => this.push(s, payload, n.conversationId)));
    // A retry sends to every subscription again; the browser replaces a notice with the same tag,
    // so the ones that already got it show nothing new.
    return (
      outcomes.find((o) => o.kind === 'retry') ??
      outcomes.find((o) => o.kind === 'sent') ??
      outcomes.find((o) => o.kind === 'failed') ?? { kind: 'failed', error: 'every Web Push subscription is gone' }
    );
  }

  private async push(subscription: WebPushSubscription, payload: string, conversationId: number): Promise<DeliveryOutcome | { kind: 'gone' }> {
    const request = webpush.generateRequestDetails(subscription, payload, {
      vapidDetails: this.deps.settings,
      TTL: TTL_SECONDS,
      contentEncoding: 'aes128gcm',
      urgency: 'high',
      // A newer message of the conversation replaces one the push service still holds.
      topic: `c${conversationId}`,
    });
    let response: Response;
    try {
      response = await fetch(request.endpoint, {
        method: request.method,
        headers: request.headers,
        body: new Uint8Array(request.body),
        signal: AbortSignal.timeout(this.deps.timeoutMs ?? OUTSIDE_CALL_TIMEOUT_MS),
      });
    } catch (error) {
      return outcomeOfNetworkError(error, 'Web Push service');
    }
    await response.body?.cancel();
    if (response.ok) return { kind: 'sent' };
    if (response.status === 404 || response.status === 410) {
      await this.deps.store.removeEndpoint(subscription.endpoint);
      return { kind: 'gone' };
    }
    return outcomeOfStatus(response, 'Web Push service');
  }
}
