import { HTTP_STATUS_BY_CODE, type ErrorBody, type ErrorCode } from '@parley/protocol';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { isAppError } from '../domain/app-error.js';
import { countClientError, toClientError } from '../gateways/client-error.js';
import type { Metrics } from '../metrics.js';

/** Fastify's own error codes that are the client's doing, mapped onto ours (docs/errors.md). */
const FASTIFY_CODES: Record<string, ErrorCode> = {
  FST_ERR_CTP_BODY_TOO_LARGE: 'PAYLOAD_TOO_LARGE',
  FST_REQ_FILE_TOO_LARGE: 'PAYLOAD_TOO_LARGE',
  FST_FILES_LIMIT: 'PAYLOAD_TOO_LARGE',
  FST_PARTS_LIMIT: 'PAYLOAD_TOO_LARGE',
  FST_ERR_CTP_INVALID_JSON_BODY: 'VALIDATION_FAILED',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'VALIDATION_FAILED',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'VALIDATION_FAILED',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'VALIDATION_FAILED',
  FST_INVALID_MULTIPART_CONTENT_TYPE: 'VALIDATION_FAILED',
  FST_ERR_VALIDATION: 'VALIDATION_FAILED',
  FST_PROTO_VIOLATION: 'VALIDATION_FAILED',
};

export function sendError(reply: FastifyReply, code: ErrorCode, message: string, extra?: { retryAfterMs?: number }): FastifyReply {
  const body: ErrorBody = { error: { code, message, ...(extra?.retryAfterMs !== undefined ? { retryAfterMs: extra.retryAfterMs } : {}) } };
  if (extra?.retryAfterMs !== undefined) reply.header('retry-after', String(Math.ceil(extra.retryAfterMs / 1000)));
  return reply.status(HTTP_STATUS_BY_CODE[code]).send(body);
}

/** The one error handler of the REST door: every failure becomes `{"error":{"code","message"}}`. */
export function errorHandler(metrics: Metrics) {
  return (error: FastifyError, request: FastifyRequest, reply: FastifyReply): FastifyReply => {
    if (isAppError(error)) {
      const failure = toClientError(error, request.log, metrics, 'rest');
      return sendError(reply, failure.code, failure.message, failure.retryAfterMs !== undefined ? { retryAfterMs: failure.retryAfterMs } : undefined);
    }
    const mapped = error.validation ? 'VALIDATION_FAILED' : error.code ? FASTIFY_CODES[error.code] : undefined;
    if (mapped) {
      countClientError(metrics, mapped, 'rest');
      const message = error.validation ? validationMessage(error) : error.message;
      return sendError(reply, mapped, message);
    }
    if (error.statusCode && error.statusCode >= 400 && error.statusCode < 500) {
      countClientError(metrics, 'VALIDATION_FAILED', 'rest');
      return sendError(reply, 'VALIDATION_FAILED', error.message);
    }
    const failure = toClientError(error, request.log, metrics, 'rest');
    return sendError(reply, failure.code, failure.message);
  };
}

function validationMessage(error: FastifyError): string {
  const first = error.validation?.[0];
  if (!first) return error.message;
  const where = `${error.validationContext ?? 'request'}${first.instancePath ? first.instancePath.replace(/\//g, '.') : ''}`;
  const property = (first.params as { missingProperty?: string }).missingProperty;
  return `${where}${property ? `.${property}` : ''}: ${first.message ?? 'is invalid'}`;
}
