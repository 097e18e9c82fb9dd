import type { DeliveryEvent } from '../domain/delivery-event.js';
import type { NodeNotice } from '../domain/node-notice.js';
import type { FanoutBus } from '../ports/fanout-bus.js';

/** Single-node bus: every event goes straight to the local handler, which drops users it does not hold. */
export class MemoryFanoutBus implements FanoutBus {
  private handler: ((event: DeliveryEvent) => void) | null = null;
  private noticeHandler: ((notice: NodeNotice) => void) | null = null;

  async publish(event: DeliveryEvent): Promise<void> {
    this.handler?.(event);
  }

  subscribe(handler: (event: DeliveryEvent) => void): void {
    this.handler = handler;
  }

  async broadcast(notice: NodeNotice): Promise<void> {
    this.noticeHandler?.(notice);
  }

  onNotice(handler: (notice: NodeNotice) => void): void {
    this.noticeHandler = handler;
  }

  async watchUser(): Promise<void> {}

  async unwatchUser(): Promise<void> {}

  async close(): Promise<void> {
    this.handler = null;
    this.noticeHandler = null;
  }
}
