import type { ErrorCode } from '@parley/protocol';

/**
 * An error the client caused and can act on. Anything else that escapes a service is a bug
 * or an outage and becomes INTERNAL (or UNAVAILABLE) at the edge, with the cause logged.
 */
export class AppError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: Record<string, unknown>,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'AppError';
  }
}

export function isAppError(error: unknown): error is AppError {
  return error instanceof AppError;
}
