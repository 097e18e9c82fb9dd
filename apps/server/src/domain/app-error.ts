import type { ContentRejectedReason, ErrorCode } from '@parley/protocol';

/**
 * An error the client caused and can act on. Anything else that escapes a service is a bug
 * or an outage and becomes INTERNAL (or UNAVAILABLE) at the edge, with the cause logged.
 */
export class AppError extends Error {
  /** With CONTENT_REJECTED: which rule refused the content; every door passes it on. */
  readonly reason?: ContentRejectedReason;

  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: Record<string, unknown>,
    options?: { cause?: unknown; reason?: ContentRejectedReason },
  ) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'AppError';
    if (options?.reason !== undefined) this.reason = options.reason;
  }
}

export function isAppError(error: unknown): error is AppError {
  return error instanceof AppError;
}
