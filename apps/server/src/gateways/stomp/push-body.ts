import type { DeliveryEvent, PushRecipient } from '../../domain/delivery-event.js';

export interface EncodedBody {
  json: string;
  bytes: number;
}

const cache = new WeakMap<object, EncodedBody>();

/**
 * The JSON body of an event for one recipient, serialized once per body object however many
 * connections receive it (a recipient's own `body` is encoded once for that recipient).
 */
export function encodedBody(event: DeliveryEvent, recipient: PushRecipient): EncodedBody {
  const body = (recipient.body ?? event.body) as object;
  let encoded = cache.get(body);
  if (!encoded) {
    const json = JSON.stringify(body);
    encoded = { json, bytes: Buffer.byteLength(json, 'utf8') };
    cache.set(body, encoded);
  }
  return encoded;
}
