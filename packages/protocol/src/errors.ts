/**
 * The closed list of error codes a client can see (docs/errors.md), plus INTERNAL for
 * failures that are not the client's to act on. Every door maps these with a
 * compiler-checked Record, so adding a code here forces every edge to handle it.
 */
export const ERROR_CODES = [
  'UNAUTHORIZED',
  'FORBIDDEN',
  'VALIDATION_FAILED',
  'USER_NOT_FOUND',
  'CONVERSATION_NOT_FOUND',
  'MESSAGE_NOT_FOUND',
  'SELF_CHAT',
  'BLOCKED',
  'PROFILE_INCOMPLETE',
  'EXCHANGE_NOT_PENDING',
  'RECALL_WINDOW_PASSED',
  'RATE_LIMITED',
  'PAYLOAD_TOO_LARGE',
  'UNAVAILABLE',
  // Trust and safety, and richer conversations.
  'CONTENT_REJECTED',
  'AWAITING_REPLY',
  'USER_MUTED',
  'USER_BANNED',
  'EDIT_WINDOW_PASSED',
  'REPORT_NOT_FOUND',
  // Our additions: an unknown route or a disabled feature, and failures that are not the client's.
  'NOT_FOUND',
  'INTERNAL',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

/** HTTP status for each code; REST answers `{"error":{"code","message"}}` with it. */
export const HTTP_STATUS_BY_CODE: Record<ErrorCode, number> = {
  UNAUTHORIZED: 401,
  FORBIDDEN: 403,
  VALIDATION_FAILED: 400,
  USER_NOT_FOUND: 404,
  CONVERSATION_NOT_FOUND: 404,
  MESSAGE_NOT_FOUND: 404,
  SELF_CHAT: 400,
  BLOCKED: 403,
  PROFILE_INCOMPLETE: 409,
  EXCHANGE_NOT_PENDING: 409,
  RECALL_WINDOW_PASSED: 409,
  RATE_LIMITED: 429,
  PAYLOAD_TOO_LARGE: 413,
  UNAVAILABLE: 503,
  CONTENT_REJECTED: 422,
  AWAITING_REPLY: 403,
  USER_MUTED: 403,
  USER_BANNED: 403,
  EDIT_WINDOW_PASSED: 409,
  REPORT_NOT_FOUND: 404,
  NOT_FOUND: 404,
  INTERNAL: 500,
};

/** Codes worth retrying unchanged later: the request was fine, the server could not take it now. */
export const RETRYABLE_ERROR_CODES = ['RATE_LIMITED', 'UNAVAILABLE', 'INTERNAL'] as const satisfies readonly ErrorCode[];
export type RetryableErrorCode = (typeof RETRYABLE_ERROR_CODES)[number];

export function isRetryableErrorCode(value: unknown): value is RetryableErrorCode {
  return typeof value === 'string' && (RETRYABLE_ERROR_CODES as readonly string[]).includes(value);
}

export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && (ERROR_CODES as readonly string[]).includes(value);
}

/** Which rule refused content: the contact guard in block mode, the word filter, or the before-send hook. */
export const CONTENT_REJECTED_REASONS = ['CONTACT_INFO', 'WORDLIST', 'HOOK'] as const;
export type ContentRejectedReason = (typeof CONTENT_REJECTED_REASONS)[number];

/** Body of every REST error response. `retryAfterMs` accompanies RATE_LIMITED, `reason` CONTENT_REJECTED. */
export interface ErrorBody {
  error: { code: ErrorCode; message: string; retryAfterMs?: number; reason?: ContentRejectedReason };
}
