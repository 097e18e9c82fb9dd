import { CONTENT_REJECTED_REASONS, isErrorCode, RETRYABLE_ERROR_CODES, type ContentRejectedReason, type ErrorCode } from '@parley/protocol';

/**
 * Codes the SDK adds to the server's closed list: `NETWORK` (the request never got an answer),
 * `ABORTED` (the caller cancelled it) and `CLOSED` (the client was disconnected by the app).
 */
export type SdkErrorCode = ErrorCode | 'NETWORK' | 'ABORTED' | 'CLOSED';

/** Error codes for which repeating the same request later may succeed: the server's, and a request that got no answer. */
const TRANSIENT: ReadonlySet<SdkErrorCode> = new Set<SdkErrorCode>([...RETRYABLE_ERROR_CODES, 'NETWORK']);

export type { ContentRejectedReason } from '@parley/protocol';

/** True for a `reason` the server gives with CONTENT_REJECTED (the contact guard, the word list or the host app's before-send hook). */
export function isContentRejectedReason(value: unknown): value is ContentRejectedReason {
  return typeof value === 'string' && (CONTENT_REJECTED_REASONS as readonly string[]).includes(value);
}

/**
 * Every failure the SDK reports: a REST error (`status` is the HTTP status), a STOMP error push
 * (`clientMsgId` / `destination` name the failed SEND), a failed SignalR call or a transport
 * failure (`NETWORK`). Safety refusals are final and carry what the app needs to explain them:
 * `CONTENT_REJECTED` (with `reason`), `AWAITING_REPLY` (the peer has not answered yet),
 * `USER_MUTED` and `USER_BANNED` (after which the client stops reconnecting: see `banned`).
 */
export class ParleyError extends Error {
  override readonly name = 'ParleyError';

  constructor(
    /** One of the server's error codes (docs/errors.md), or an SDK code. */
    readonly code: SdkErrorCode,
    message: string,
    /** Extra facts: HTTP status, `retryAfterMs` for RATE_LIMITED, the failed SEND's ids. */
    readonly details: {
      status?: number;
      retryAfterMs?: number;
      clientMsgId?: string;
      destination?: string;
      /** With CONTENT_REJECTED: which rule refused the content. */
      reason?: ContentRejectedReason;
      cause?: unknown;
    } = {},
  ) {
    super(message);
  }

  /** True when trying again later may succeed (rate limit, outage, network). */
  get transient(): boolean {
    return TRANSIENT.has(this.code);
  }

  /** With CONTENT_REJECTED: which rule refused the content (`CONTACT_INFO`, `WORDLIST`, `HOOK`). */
  get reason(): ContentRejectedReason | undefined {
    return this.details.reason;
  }

  /** Builds a ParleyError from a server error body (`{"error":{…}}` or a STOMP error push). */
  static fromBody(body: unknown, status?: number): ParleyError {
    const inner = (body && typeof body === 'object' && 'error' in body ? (body as { error: unknown }).error : body) as
      | { code?: unknown; message?: unknown; retryAfterMs?: unknown; clientMsgId?: unknown; destination?: unknown; reason?: unknown }
      | null
      | undefined;
    const code: SdkErrorCode = inner && isErrorCode(inner.code) ? inner.code : status && status >= 500 ? 'INTERNAL' : 'VALIDATION_FAILED';
    const message = inner && typeof inner.message === 'string' ? inner.message : `HTTP ${status ?? '?'}`;
    const details: ParleyError['details'] = {};
    if (status !== undefined) details.status = status;
    if (inner && typeof inner.retryAfterMs === 'number') details.retryAfterMs = inner.retryAfterMs;
    if (inner && (typeof inner.clientMsgId === 'string' || typeof inner.clientMsgId === 'number')) details.clientMsgId = String(inner.clientMsgId);
    if (inner && typeof inner.destination === 'string') details.destination = inner.destination;
    if (inner && isContentRejectedReason(inner.reason)) details.reason = inner.reason;
    return new ParleyError(code, message, details);
  }
}
