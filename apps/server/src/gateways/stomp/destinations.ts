import type { DeliveryKind } from '../../domain/delivery-event.js';

/** Where each kind of delivery event is pushed. */
export const DESTINATION_BY_KIND: Record<DeliveryKind, string> = {
  message: '/user/queue/messages',
  read: '/user/queue/read',
  typing: '/user/queue/typing',
  presence: '/user/queue/presence',
  recall: '/user/queue/recalls',
  exchange: '/user/queue/exchange',
};

export const ERRORS_DESTINATION = '/user/queue/errors';

/** The only destinations a client may SUBSCRIBE to: its own user queues. */
export const SUBSCRIBABLE = new Set<string>([...Object.values(DESTINATION_BY_KIND), ERRORS_DESTINATION]);

/** Prefix of destinations handled by the server's application handlers (Spring's `/app`). */
export const APP_PREFIX = '/app/';
