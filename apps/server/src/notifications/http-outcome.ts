import type { DeliveryOutcome } from './channel.js';

/** How long a channel waits for an outside service before calling the attempt a timeout (retried), unless told otherwise. */
export const OUTSIDE_CALL_TIMEOUT_MS = 10_000;

/** A non-2xx answer: 429 and 5xx are worth retrying (after `Retry-After` when given); other statuses end it. */
export function outcomeOfStatus(response: Response, service: string): Extract<DeliveryOutcome, { kind: 'retry' | 'failed' }> {
  const error = `${service} answered HTTP ${response.status}`;
  if (response.status === 429 || response.status >= 500) {
    const retryAfterMs = retryAfter(response.headers.get('retry-after'));
    return retryAfterMs === undefined ? { kind: 'retry', error } : { kind: 'retry', error, retryAfterMs };
  }
  return { kind: 'failed', error };
}

/** A request that got no answer: a timeout, a refused or reset connection, a name that did not resolve. */
export function outcomeOfNetworkError(error: unknown, service: string): Extract<DeliveryOutcome, { kind: 'retry' }> {
  const cause = error instanceof Error ? ((error.cause as Error | undefined)?.message ?? error.message) : String(error);
  return { kind: 'retry', error: `${service} unreachable: ${cause}` };
}

/** `Retry-After` in seconds or as an HTTP date, in milliseconds from now. */
function retryAfter(value: string | null): number | undefined {
  if (value === null) return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value.trim()) * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - Date.now());
}
