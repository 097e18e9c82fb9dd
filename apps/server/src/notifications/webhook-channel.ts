import type { SignedEndpoint } from '../config.js';
import type { DeliveryOutcome, NotificationChannel, NotificationPayload } from './channel.js';
import { postSigned } from './signed-post.js';

/**
 * The host application's own push backend (APNs, FCM, a vendor service): each notification is
 * POSTed as `{"event":"notification", …payload}`, signed, with the notification id as delivery id.
 */
export class WebhookChannel implements NotificationChannel {
  readonly name = 'webhook';

  constructor(
    private readonly endpoint: SignedEndpoint,
    private readonly timeoutMs: number,
    private readonly nowMs: () => number = Date.now,
  ) {}

  deliver(n: NotificationPayload): Promise<DeliveryOutcome> {
    const body = JSON.stringify({
      event: 'notification',
      id: n.id,
      userId: n.userId,
      conversationId: n.conversationId,
      senderId: n.senderId,
      senderName: n.senderName,
      count: n.count,
      preview: n.preview,
      unreadTotal: n.unreadTotal,
      createdAt: n.createdAt,
    });
    return postSigned({ url: this.endpoint.url, secret: this.endpoint.secret, deliveryId: n.id, body, timeoutMs: this.timeoutMs, nowMs: this.nowMs() });
  }
}
