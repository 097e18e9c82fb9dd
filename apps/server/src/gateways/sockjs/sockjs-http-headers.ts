import type { IncomingMessage, OutgoingHttpHeaders } from 'node:http';

const YEAR_S = 365 * 24 * 60 * 60;

export const NO_CACHE = 'no-store, no-cache, no-transform, must-revalidate, max-age=0';

/** CORS as sockjs-node answers it: the Origin echoed (or `*`) with credentials. */
export function corsHeaders(request: IncomingMessage): OutgoingHttpHeaders {
  const origin = request.headers.origin;
  const headers: OutgoingHttpHeaders = {
    'Access-Control-Allow-Origin': origin && origin !== 'null' ? origin : '*',
    'Access-Control-Allow-Credentials': 'true',
    Vary: 'Origin',
  };
  const requested = request.headers['access-control-request-headers'];
  if (requested) headers['Access-Control-Allow-Headers'] = requested;
  return headers;
}

/** A preflight answer, cached for a year. */
export function preflightHeaders(request: IncomingMessage, methods: string): OutgoingHttpHeaders {
  return {
    ...corsHeaders(request),
    'Access-Control-Allow-Methods': methods,
    'Access-Control-Max-Age': String(YEAR_S),
    'Cache-Control': `public, max-age=${YEAR_S}`,
    Expires: new Date(Date.now() + YEAR_S * 1000).toUTCString(),
  };
}
