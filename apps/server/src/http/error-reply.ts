import { HTTP_STATUS_BY_CODE, type ContentRejectedReason, type ErrorBody, type ErrorCode } from '@parley/protocol';
import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
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

export function sendError(reply: FastifyReply, code: ErrorCode, message: string, extra?: { retryAfterMs?: number; reason?: ContentRejectedReason }): FastifyReply {
  const body: ErrorBody = {
    error: {
      code,
      message,
      ...(extra?.retryAfterMs !== undefined ? { retryAfterMs: extra.retryAfterMs } : {}),
      ...(extra?.reason !== undefined ? { reason: extra.reason } : {}),
    },
  };
  if (extra?.retryAfterMs !== undefined) reply.header('retry-after', String(Math.ceil(extra.retryAfterMs / 1000)));
  return reply.status(HTTP_STATUS_BY_CODE[code]).send(body);
}

/** The one error handler of the REST door: every failure becomes `{"error":{"code","message"}}`. */
export function errorHandler(metrics: Metrics) {
  return (error: FastifyError, request: FastifyRequest, reply: FastifyReply): FastifyReply => {
    if (isAppError(error)) {
      const failure = toClientError(error, request.log, metrics, 'rest');
      return sendError(reply, failure.code, failure.message, failure);
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

/**
 * Requests Node's HTTP parser refuses before any route exists (headers over 16 KiB, a broken
 * request line, headers too slow) still get the `{"error":{"code","message"}}` body every other
 * refusal has, so clients parse one error shape. The status stays the HTTP-level one.
 */
export function answerUnparsableRequest(error: Error & { code?: string }, socket: Socket): void {
  if (error.code === 'ECONNRESET' || !socket.writable) {
    socket.destroy();
    return;
  }
  const status = error.code === 'HPE_HEADER_OVERFLOW' ? 431 : error.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? 408 : 400;
  const code: ErrorCode = status === 431 ? 'PAYLOAD_TOO_LARGE' : 'VALIDATION_FAILED';
  const message = status === 431 ? 'request line and headers may be at most 16 KiB' : status === 408 ? 'the request headers took too long' : 'malformed HTTP request';
  const body = JSON.stringify({ error: { code, message } } satisfies ErrorBody);
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
}
