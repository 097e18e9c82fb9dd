import { STOMP_PUSH_QUEUES, STOMP_SUBSCRIBABLE_QUEUES } from '@parley/protocol';
import type { DeliveryKind } from '../../domain/delivery-event.js';

/** Where each kind of delivery event is pushed (the domain's kinds are the protocol's push kinds). */
export const DESTINATION_BY_KIND: Readonly<Record<DeliveryKind, string>> = STOMP_PUSH_QUEUES;

/** The only destinations a client may SUBSCRIBE to: its own user queues. */
export const SUBSCRIBABLE: ReadonlySet<string> = new Set(STOMP_SUBSCRIBABLE_QUEUES);
