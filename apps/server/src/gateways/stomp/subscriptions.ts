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
 * A connection's subscriptions, in the order they were made. A plain array: a connection holds a
 * handful (at most MAX_SUBSCRIPTIONS), so a scan costs less than keeping maps by id and by
 * destination, which were most of an idle session's subscription memory.
 */
export class Subscriptions {
  private readonly list: Subscription[] = [];

  get size(): number {
    return this.list.length;
  }

  has(id: string): boolean {
    return this.list.some((subscription) => subscription.id === id);
  }

  /** Adds a subscription; the caller has checked that the id is new and that there is room. */
  add(id: string, destination: string, ack: AckMode, version: StompVersion): void {
    this.list.push({ id, destination, ack, wireId: escapeHeader(id, version) });
  }

  /** Removes the subscription; an unknown id is ignored, as STOMP allows. */
  remove(id: string): void {
    const index = this.list.findIndex((subscription) => subscription.id === id);
    if (index >= 0) this.list.splice(index, 1);
  }

  /** The destination's subscriptions in the order they were made, or undefined when none. */
  on(destination: string): Subscription[] | undefined {
    let matching: Subscription[] | undefined;
    for (const subscription of this.list) {
      if (subscription.destination === destination) (matching ??= []).push(subscription);
    }
    return matching;
  }
}
