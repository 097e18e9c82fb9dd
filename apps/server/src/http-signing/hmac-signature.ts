/**
 * Signatures of the HTTP requests Parley sends to the host application (the before-send hook,
 * webhooks): HMAC-SHA256 over "<timestamp>.<raw body>" with a shared secret, sent as
 * `X-Parley-Timestamp: <unix seconds>` and `X-Parley-Signature: sha256=<lowercase hex>`.
 * The timestamp is inside the signed text, so a receiver that refuses old timestamps also
 * refuses replays. docs/safety.md shows how to verify it in Node and in ASP.NET.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

export const TIMESTAMP_HEADER = 'X-Parley-Timestamp';
export const SIGNATURE_HEADER = 'X-Parley-Signature';

/** Lowercase hex HMAC-SHA256 of `<timestamp>.<body>`. */
export function signBody(secret: string, timestamp: number, body: string): string {
  return createHmac('sha256', secret).update(`${timestamp}.${body}`, 'utf8').digest('hex');
}

/** The two headers for a body signed now (`nowMs` from the caller's clock). */
export function signatureHeaders(secret: string, body: string, nowMs: number): Record<string, string> {
  const timestamp = Math.floor(nowMs / 1000);
  return { [TIMESTAMP_HEADER]: String(timestamp), [SIGNATURE_HEADER]: `sha256=${signBody(secret, timestamp, body)}` };
}

/**
 * Checks a received signature header against the raw body, in constant time; a timestamp further
 * than `toleranceS` from `nowMs` fails too.
 */
export function verifySignature(secret: string, timestampHeader: string, signatureHeader: string, body: string, nowMs: number, toleranceS = 300): boolean {
  const timestamp = Number(timestampHeader);
  if (!/^\d+$/.test(timestampHeader) || Math.abs(nowMs / 1000 - timestamp) > toleranceS) return false;
  const expected = Buffer.from(`sha256=${signBody(secret, timestamp, body)}`);
  const given = Buffer.from(signatureHeader);
  return given.length === expected.length && timingSafeEqual(given, expected);
}
