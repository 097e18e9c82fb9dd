import type { IncomingHttpHeaders } from 'node:http';
import { bearerToken } from '../../auth/authenticator.js';

/**
 * The access token of a SignalR request: `access_token` in the query (browsers, SSE,
 * mini-programs) or `Authorization: Bearer …` (the Node client, long polling, POSTs).
 */
export function accessTokenOf(headers: IncomingHttpHeaders, query: URLSearchParams): string | null {
  return query.get('access_token') || bearerToken(headers.authorization);
}

/** The query of a request URL. */
export function queryOf(url: string | undefined): URLSearchParams {
  const at = (url ?? '').indexOf('?');
  return new URLSearchParams(at < 0 ? '' : (url ?? '').slice(at + 1));
}

/**
 * CORS for cross-origin SignalR clients: negotiate and the HTTP transports send credentials,
 * so the origin is echoed rather than `*`. Tokens, not cookies, authorize, so any origin may call.
 */
export function corsHeaders(headers: IncomingHttpHeaders): Record<string, string> {
  const origin = headers.origin;
  if (!origin) return {};
  return { 'access-control-allow-origin': origin, 'access-control-allow-credentials': 'true', vary: 'Origin' };
}

export function preflightHeaders(headers: IncomingHttpHeaders): Record<string, string> {
  const requested = headers['access-control-request-headers'];
  return {
    ...corsHeaders(headers),
    'access-control-allow-methods': 'GET, POST, DELETE, OPTIONS',
    'access-control-allow-headers': typeof requested === 'string' && requested ? requested : 'Authorization, Content-Type, X-Requested-With, X-SignalR-User-Agent',
    'access-control-max-age': '86400',
  };
}
