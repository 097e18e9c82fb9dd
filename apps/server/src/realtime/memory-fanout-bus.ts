import type { DeliveryEvent } from '../domain/delivery-event.js';
import type { FanoutBus } from '../ports/fanout-bus.js';

/** Single-node bus: every event goes straight to the local handler, which drops users it does not hold. */
export class MemoryFanoutBus implements FanoutBus {
  private handler: ((event: DeliveryEvent) => void) | null = null;

  async publish(event: DeliveryEvent): Promise<void> {
    this.handler?.(event);
  }

  subscribe(handler: (event: DeliveryEvent) => void): void {
    this.handler = handler;
  }

  async watchUser(): Promise<void> {}

  async unwatchUser(): Promise<void> {}

  async close(): Promise<void> {
    this.handler = null;
  }
}
