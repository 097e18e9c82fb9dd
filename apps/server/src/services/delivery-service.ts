import type { DeliveryEvent } from '../domain/delivery-event.js';
import type { FanoutBus } from '../ports/fanout-bus.js';
import type { SessionRegistry } from './session-registry.js';

/**
 * Turns domain events into pushes: publishes through the fan-out bus (which reaches every node
 * holding a recipient) and, for events arriving here, pushes to each local connection of each
 * recipient. Pushes happen only after the change committed, because services publish after.
 */
export class DeliveryService {
  constructor(
    private readonly bus: FanoutBus,
    private readonly registry: SessionRegistry,
    private readonly onPushError: (error: unknown, sessionId: string) => void = () => {},
  ) {
    bus.subscribe((event) => this.deliverLocally(event));
  }

  async publish(event: DeliveryEvent): Promise<void> {
    if (event.recipients.length === 0) return;
    await this.bus.publish(event);
  }

  private deliverLocally(event: DeliveryEvent): void {
    for (const recipient of event.recipients) {
      for (const session of this.registry.sessionsOf(recipient.userId)) {
        try {
          session.push(event, recipient);
        } catch (error) {
          // A door bug must not cost the other connections their push; the client resyncs.
          this.onPushError(error, session.id);
        }
      }
    }
  }
}
