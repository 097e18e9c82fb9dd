import type { ErrorCode } from '@parley/protocol';
import type { FastifyBaseLogger } from 'fastify';
import { isAppError } from '../domain/app-error.js';

export interface ClientError {
  code: ErrorCode;
  message: string;
  retryAfterMs?: number;
}

/** What a door tells its client about a failed command; unexpected failures are logged and hidden. */
export function toClientError(error: unknown, logger: FastifyBaseLogger): ClientError {
  if (isAppError(error)) {
    if (error.code === 'UNAVAILABLE') logger.error({ err: error.cause }, 'database unavailable');
    const retryAfterMs = error.details?.retryAfterMs;
    return { code: error.code, message: error.message, ...(typeof retryAfterMs === 'number' ? { retryAfterMs } : {}) };
  }
  logger.error({ err: error }, 'unexpected error in a door command');
  return { code: 'INTERNAL', message: 'internal error' };
}
