import type { DeliveryEvent } from '../domain/delivery-event.js';
import type { NodeNotice } from '../domain/node-notice.js';

/**
 * Carries delivery events to the nodes that hold connections of the recipients. In-process it
 * calls the local handler; with Redis it routes by user to every node that watches the user.
 * Delivery is at-most-once per node; clients repair anything missed through /sync.
 */
export interface FanoutBus {
  publish(event: DeliveryEvent): Promise<void>;
  /** The single local handler that receives events for watched users. */
  subscribe(handler: (event: DeliveryEvent) => void): void;
  /** This node holds a connection of the user: route the user's events here. */
  watchUser(userId: number): Promise<void>;
  /** This node holds no connection of the user any more. */
  unwatchUser(userId: number): Promise<void>;
  /** Sends a notice to every node, this one included (at once, before the promise settles). */
  broadcast(notice: NodeNotice): Promise<void>;
  /** The single local handler of notices from any node. */
  onNotice(handler: (notice: NodeNotice) => void): void;
  close(): Promise<void>;
}
