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
    const retryAfterMs = error.details?.retryAfterMs;
    return { code: error.code, message: error.message, ...(typeof retryAfterMs === 'number' ? { retryAfterMs } : {}) };
  }
  const code = (error as { code?: string })?.code;
  if (code === 'ECONNREFUSED' || code === 'ECONNRESET' || code === '57P01' || code === '08006' || code === '08001') {
    logger.error({ err: error }, 'database unavailable');
    return { code: 'UNAVAILABLE', message: 'the database is unreachable; nothing was stored, retry later' };
  }
  logger.error({ err: error }, 'unexpected error in a door command');
  return { code: 'INTERNAL', message: 'internal error' };
}
