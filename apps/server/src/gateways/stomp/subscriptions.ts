import { escapeHeader } from './header-escaping.js';
import type { StompVersion } from './stomp-frame.js';

export type AckMode = 'auto' | 'client' | 'client-individual';

/** One SUBSCRIBE of a connection. */
export interface Subscription {
  id: string;
  destination: string;
  ack: AckMode;
  /** The id as it appears in MESSAGE headers, escaped once for the connection's version. */
  wireId: string;
}

/** Most subscriptions one connection may hold: seven user queues leave ample room for re-subscribing under new ids. */
export const MAX_SUBSCRIPTIONS = 64;

/**
 * A connection's subscriptions, indexed by destination for pushing. Adding and removing are
 * O(1) (maps keyed by id), and the count is capped so a push to one destination is written at
 * most MAX_SUBSCRIPTIONS times.
 */
export class Subscriptions {
  private readonly byId = new Map<string, Subscription>();
  private readonly byDestination = new Map<string, Map<string, Subscription>>();

  constructor(private readonly version: () => StompVersion) {}

  get size(): number {
    return this.byId.size;
  }

  has(id: string): boolean {
    return this.byId.has(id);
  }

  /** Adds a subscription; the caller has checked that the id is new and that there is room. */
  add(id: string, destination: string, ack: AckMode): void {
    const subscription: Subscription = { id, destination, ack, wireId: escapeHeader(id, this.version()) };
    this.byId.set(id, subscription);
    let onDestination = this.byDestination.get(destination);
    if (!onDestination) this.byDestination.set(destination, (onDestination = new Map()));
    onDestination.set(id, subscription);
  }

  /** Removes the subscription; an unknown id is ignored, as STOMP allows. */
  remove(id: string): void {
    const subscription = this.byId.get(id);
    if (!subscription) return;
    this.byId.delete(id);
    const onDestination = this.byDestination.get(subscription.destination);
    onDestination?.delete(id);
    if (onDestination?.size === 0) this.byDestination.delete(subscription.destination);
  }

  /** The destination's subscriptions in the order they were made, or undefined when none. */
  on(destination: string): Iterable<Subscription> | undefined {
    return this.byDestination.get(destination)?.values();
  }
}
