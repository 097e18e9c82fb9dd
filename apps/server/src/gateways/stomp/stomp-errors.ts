import type { ErrorCode } from '@parley/protocol';

/**
 * How each error reaches a STOMP client. STOMP cannot refuse one frame and go on (a server closes
 * the connection after any ERROR frame), so everything a command can cause is a push on
 * `/user/queue/errors` and the connection lives on; only what ends the connection — a refused
 * CONNECT, an expired token, an oversize frame — is an ERROR frame. docs/errors.md shows this
 * table; a test keeps the two in step.
 */
export const STOMP_ERROR_ROUTE = {
  UNAUTHORIZED: 'error-frame',
  FORBIDDEN: 'push',
  VALIDATION_FAILED: 'push',
  USER_NOT_FOUND: 'push',
  CONVERSATION_NOT_FOUND: 'push',
  MESSAGE_NOT_FOUND: 'push',
  SELF_CHAT: 'push',
  BLOCKED: 'push',
  PROFILE_INCOMPLETE: 'push',
  EXCHANGE_NOT_PENDING: 'push',
  RECALL_WINDOW_PASSED: 'push',
  RATE_LIMITED: 'push',
  PAYLOAD_TOO_LARGE: 'error-frame',
  UNAVAILABLE: 'push',
  CONTENT_REJECTED: 'push',
  AWAITING_REPLY: 'push',
  USER_MUTED: 'push',
  // A banned user may not stay connected: CONNECT is refused, a live session is ended.
  USER_BANNED: 'error-frame',
  EDIT_WINDOW_PASSED: 'push',
  REPORT_NOT_FOUND: 'push',
  NOT_FOUND: 'push',
  INTERNAL: 'push',
} as const satisfies Record<ErrorCode, 'push' | 'error-frame'>;

/** The `message` header of the ERROR frame that refuses a CONNECT: Spring's text for a bad token, the code otherwise. */
export function connectRefusalHeader(code: ErrorCode): string {
  return code === 'UNAUTHORIZED' ? 'Unauthorized' : code;
}
