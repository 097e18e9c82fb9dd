import type { IncomingHttpHeaders } from 'node:http';
import { bearerToken } from '../auth/authenticator.js';

/** The path of a request URL, without its query. */
export function pathnameOf(url: string | undefined): string {
  return (url ?? '/').split('?')[0]!;
}

/** The query of a request URL. */
export function queryOf(url: string | undefined): URLSearchParams {
  const at = (url ?? '').indexOf('?');
  return new URLSearchParams(at < 0 ? '' : (url ?? '').slice(at + 1));
}

/** `?access_token=`: how browsers, SSE and mini-programs pass a token where they cannot set headers. */
export function queryToken(url: string | undefined): string | null {
  return queryOf(url).get('access_token');
}

/** The access token of a request: `access_token` in the query, or `Authorization: Bearer …`. */
export function accessTokenOf(headers: IncomingHttpHeaders, query: URLSearchParams): string | null {
  return query.get('access_token') || bearerToken(headers.authorization);
}
