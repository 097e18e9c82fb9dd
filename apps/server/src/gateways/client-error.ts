import type { ContentRejectedReason, ErrorCode } from '@parley/protocol';
import type { FastifyBaseLogger } from 'fastify';
import { isAppError } from '../domain/app-error.js';
import type { DoorLabel, Metrics } from '../metrics.js';

export interface ClientError {
  code: ErrorCode;
  message: string;
  retryAfterMs?: number;
  reason?: ContentRejectedReason;
}

/**
 * What a door tells its client about a failure, for every door alike: an outage is logged with
 * its cause, an unexpected failure is logged and hidden behind INTERNAL, and every error the
 * client sees is counted by code and door.
 */
export function toClientError(error: unknown, logger: FastifyBaseLogger, metrics: Metrics, door: DoorLabel): ClientError {
  let failure: ClientError;
  if (isAppError(error)) {
    if (error.code === 'UNAVAILABLE') logger.error({ err: error.cause }, 'database unavailable');
    const retryAfterMs = error.details?.retryAfterMs;
    failure = {
      code: error.code,
      message: error.message,
      ...(typeof retryAfterMs === 'number' ? { retryAfterMs } : {}),
      ...(error.reason !== undefined ? { reason: error.reason } : {}),
    };
  } else {
    logger.error({ err: error }, `unexpected error in a ${door} request`);
    failure = { code: 'INTERNAL', message: 'internal error' };
  }
  countClientError(metrics, failure.code, door);
  return failure;
}

/** Counts an error a door answered without an exception behind it (a refused frame, a malformed record). */
export function countClientError(metrics: Metrics, code: ErrorCode, door: DoorLabel): void {
  metrics.errors.inc({ code, door });
}
