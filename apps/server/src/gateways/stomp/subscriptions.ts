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

/** A connection's subscriptions, indexed by destination for pushing. */
export class Subscriptions {
  private readonly byId = new Map<string, Subscription>();
  private readonly byDestination = new Map<string, Subscription[]>();

  constructor(private readonly version: () => StompVersion) {}

  has(id: string): boolean {
    return this.byId.has(id);
  }

  add(id: string, destination: string, ack: AckMode): void {
    const subscription: Subscription = { id, destination, ack, wireId: escapeHeader(id, this.version()) };
    this.byId.set(id, subscription);
    this.byDestination.set(destination, [...(this.byDestination.get(destination) ?? []), subscription]);
  }

  /** Removes the subscription; an unknown id is ignored (protocols §1.4). */
  remove(id: string): void {
    const subscription = this.byId.get(id);
    if (!subscription) return;
    this.byId.delete(id);
    const rest = (this.byDestination.get(subscription.destination) ?? []).filter((s) => s.id !== id);
    if (rest.length) this.byDestination.set(subscription.destination, rest);
    else this.byDestination.delete(subscription.destination);
  }

  on(destination: string): readonly Subscription[] | undefined {
    return this.byDestination.get(destination);
  }
}
