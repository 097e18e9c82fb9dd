import { signatureHeaders } from '../http-signing/hmac-signature.js';
import type { DeliveryOutcome } from './channel.js';
import { outcomeOfNetworkError, outcomeOfStatus } from './http-outcome.js';

/** What a signed POST needs: where, the signing key, the stable delivery id, how long to wait. */
export interface SignedPost {
  url: string;
  secret: string;
  deliveryId: string;
  body: string;
  timeoutMs: number;
  /** The clock the signature's timestamp comes from. */
  nowMs: number;
}

export const DELIVERY_HEADER = 'X-Parley-Delivery';

/**
 * POSTs a JSON body to the host application, signed like the before-send hook, with
 * `X-Parley-Delivery` (the same on every retry, so the receiver can drop repeats). A 2xx is sent;
 * a timeout, a connection error, 429 or 5xx is worth retrying (honouring `Retry-After`); any
 * other answer ends the delivery. Redirects are not followed: the signature is for this URL.
 */
export async function postSigned(post: SignedPost): Promise<DeliveryOutcome> {
  let response: Response;
  try {
    response = await fetch(post.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        [DELIVERY_HEADER]: post.deliveryId,
        ...signatureHeaders(post.secret, post.body, post.nowMs),
      },
      body: post.body,
      redirect: 'manual',
      signal: AbortSignal.timeout(post.timeoutMs),
    });
  } catch (error) {
    return outcomeOfNetworkError(error, 'the webhook');
  }
  // Read to the end so the connection is free for the next delivery.
  await response.arrayBuffer().catch(() => undefined);
  return response.ok ? { kind: 'sent' } : outcomeOfStatus(response, 'the webhook');
}
