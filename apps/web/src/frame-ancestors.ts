/**
 * Whether a `postMessage` sender's origin is one the server lets embed this client: the same
 * sources as the CSP `frame-ancestors` header, so one setting decides both who may frame the
 * client and who may hand it a token.
 */
export function originAllowed(origin: string, sources: readonly string[], selfOrigin: string): boolean {
  let url: URL;
  try {
    url = new URL(origin);
  } catch {
    return false;
  }
  return sources.some((source) => sourceMatches(url, source, selfOrigin));
}

function sourceMatches(url: URL, source: string, selfOrigin: string): boolean {
  if (source === "'self'") return url.origin === selfOrigin;
  if (source === "'none'") return false;
  // `*` in CSP does not cover data:, blob: or opaque origins; neither do we.
  if (source === '*') return url.protocol === 'http:' || url.protocol === 'https:';
  if (/^[a-z][a-z0-9+.-]*:$/i.test(source)) return url.protocol === source.toLowerCase();
  const match = /^(?:([a-z][a-z0-9+.-]*):\/\/)?(\*\.)?([^:/]+)(?::(\d+|\*))?/i.exec(source);
  if (!match) return false;
  const [, scheme, wildcard, host, port] = match;
  const self = new URL(selfOrigin);
  const wantedScheme = scheme ? `${scheme.toLowerCase()}:` : self.protocol;
  // CSP lets an http: source match https: too (an upgrade), not the other way round.
  if (url.protocol !== wantedScheme && !(wantedScheme === 'http:' && url.protocol === 'https:')) return false;
  const hostname = url.hostname.toLowerCase();
  const wantedHost = host!.toLowerCase();
  if (wildcard ? !hostname.endsWith(`.${wantedHost}`) : hostname !== wantedHost) return false;
  if (port === '*') return true;
  // No port in the source: the scheme's default port (after an http: → https: upgrade, https's).
  if (port === undefined) return url.port === '';
  return (url.port || (url.protocol === 'https:' ? '443' : '80')) === port;
}
