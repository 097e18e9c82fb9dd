import type { IncomingHttpHeaders } from 'node:http';

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
