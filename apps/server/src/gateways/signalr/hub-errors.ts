import { STATUS_CODES } from 'node:http';
import { HTTP_STATUS_BY_CODE, type ContentRejectedReason, type ErrorCode } from '@parley/protocol';

/**
 * How each error reaches a SignalR client. A failed hub call completes with `"CODE: message"`
 * and the connection lives on; input that breaks the protocol (an oversize record) ends the
 * connection with a Close record carrying the same text; a bad access token refuses negotiate
 * or the transport request with its HTTP status. docs/errors.md shows this table; a test keeps
 * the two in step.
 */
export const HUB_ERROR_ROUTE = {
  UNAUTHORIZED: 'refusal',
  FORBIDDEN: 'completion',
  VALIDATION_FAILED: 'completion',
  USER_NOT_FOUND: 'completion',
  CONVERSATION_NOT_FOUND: 'completion',
  MESSAGE_NOT_FOUND: 'completion',
  SELF_CHAT: 'completion',
  BLOCKED: 'completion',
  PROFILE_INCOMPLETE: 'completion',
  EXCHANGE_NOT_PENDING: 'completion',
  RECALL_WINDOW_PASSED: 'completion',
  RATE_LIMITED: 'completion',
  PAYLOAD_TOO_LARGE: 'close',
  UNAVAILABLE: 'completion',
  CONTENT_REJECTED: 'completion',
  AWAITING_REPLY: 'completion',
  USER_MUTED: 'completion',
  // A banned user may not negotiate (403); a live connection is ended with a Close record.
  USER_BANNED: 'refusal',
  EDIT_WINDOW_PASSED: 'completion',
  REPORT_NOT_FOUND: 'completion',
  NOT_FOUND: 'completion',
  INTERNAL: 'completion',
} as const satisfies Record<ErrorCode, 'completion' | 'close' | 'refusal'>;

/**
 * The error text of a failed Completion, a Close record or a refused handshake: `"CODE: message"`.
 * A content refusal names its rule after the code (`"CONTENT_REJECTED: WORDLIST: …"`), since a
 * hub error is only a string and clients that check the prefix still see the code first.
 */
export function hubErrorText(code: ErrorCode, message: string, reason?: ContentRejectedReason): string {
  return reason === undefined ? `${code}: ${message}` : `${code}: ${reason}: ${message}`;
}

/**
 * Status and body of a negotiate or transport request whose authentication failed: a code that
 * is refused at the door answers its HTTP status; anything else there (the user store down, a
 * bug) is the server's failure, 503, so clients retry.
 */
export function hubRefusal(code: ErrorCode): { status: number; text: string } {
  const status = HUB_ERROR_ROUTE[code] === 'refusal' ? HTTP_STATUS_BY_CODE[code] : 503;
  return { status, text: STATUS_CODES[status] ?? 'Error' };
}
