import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Identity } from '../../auth/token-verifier.js';
import { toClientError } from '../client-error.js';
import { ConnectionTokens } from './connection-token.js';
import { hubRefusal } from './hub-errors.js';
import { accessTokenOf, queryOf } from '../request-query.js';
import { corsHeaders } from './cors-headers.js';
import type { SignalRRuntime } from './signalr-runtime.js';

const TRANSPORTS = [
  { transport: 'WebSockets', transferFormats: ['Text'] },
  { transport: 'ServerSentEvents', transferFormats: ['Text'] },
  { transport: 'LongPolling', transferFormats: ['Text'] },
];

/**
 * Authenticates a SignalR HTTP request, answering the refusal itself (401, or 503 when the user
 * store is down); null means the reply was sent.
 */
export async function authenticateRequest(runtime: SignalRRuntime, request: FastifyRequest, reply: FastifyReply): Promise<Identity | null> {
  try {
    return await runtime.deps.auth.authenticate(accessTokenOf(request.headers, queryOf(request.url)));
  } catch (error) {
    const refusal = hubRefusal(toClientError(error, runtime.deps.logger, runtime.deps.metrics, 'signalr').code);
    await reply.code(refusal.status).headers(corsHeaders(request.headers)).type('text/plain; charset=utf-8').send(refusal.text);
    return null;
  }
}

/**
 * `POST /hubs/chat/negotiate`: a new connection id and, for version 1, a
 * signed connection token that any node accepts for `unusedTokenTtlMs`. Stateful reconnect is
 * offered only when the client asked for it.
 */
export async function negotiate(runtime: SignalRRuntime, request: FastifyRequest, reply: FastifyReply): Promise<void> {
  const identity = await authenticateRequest(runtime, request, reply);
  if (!identity) return;
  if (runtime.closing) {
    await reply.code(503).headers(corsHeaders(request.headers)).type('text/plain; charset=utf-8').send('Service Unavailable');
    return;
  }
  const query = queryOf(request.url);
  const version = Number(query.get('negotiateVersion') ?? '0') >= 1 ? 1 : 0;
  const stateful = version >= 1 && query.get('useStatefulReconnect') === 'true';
  const connectionId = ConnectionTokens.newConnectionId();
  const token = runtime.deps.tokens.issue({ userId: identity.userId, connectionId, expiresAtMs: Date.now() + runtime.deps.options.unusedTokenTtlMs, stateful });
  const body =
    version === 0
      ? { connectionId: token, availableTransports: TRANSPORTS }
      : { negotiateVersion: 1, connectionId, connectionToken: token, availableTransports: TRANSPORTS, ...(stateful ? { useStatefulReconnect: true } : {}) };
  await reply.headers({ ...corsHeaders(request.headers), 'cache-control': 'no-cache' }).type('application/json; charset=utf-8').send(JSON.stringify(body));
}
