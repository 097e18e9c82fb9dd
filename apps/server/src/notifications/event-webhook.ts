import type { SignedEndpoint } from '../config.js';
import { eventIdText } from '../domain/outbox-events.js';
import type { ClaimedEvent } from '../ports/outbox-store.js';
import type { DeliveryOutcome } from './channel.js';
import { postSigned } from './signed-post.js';

/** Sends one outbox event to the host application's events URL: `{"event","id","createdAt","data"}`, signed. */
export class EventWebhook {
  constructor(
    private readonly endpoint: SignedEndpoint,
    private readonly timeoutMs: number,
    private readonly nowMs: () => number = Date.now,
  ) {}

  deliver(event: ClaimedEvent): Promise<DeliveryOutcome> {
    const id = eventIdText(event.id);
    const body = JSON.stringify({ event: event.event, id, createdAt: event.createdAt.toISOString(), data: event.data });
    return postSigned({ url: this.endpoint.url, secret: this.endpoint.secret, deliveryId: id, body, timeoutMs: this.timeoutMs, nowMs: this.nowMs() });
  }
}
