/** The outcome of the first record of a connection (the handshake). */
export type HandshakeResult = { ok: true; version: number } | { ok: false; error: string };

const SUPPORTED_VERSIONS = [1, 2];

/**
 * Checks a handshake request: `{"protocol":"json","version":1|2}` (the name in any case). Anything else, including
 * an invocation sent before the handshake, gets an error in ASP.NET Core's wording.
 */
export function readHandshake(text: string): HandshakeResult {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { ok: false, error: 'Handshake request is not valid JSON; expected {"protocol":"json","version":1}.' };
  }
  if (!value || typeof value !== 'object' || Array.isArray(value)) {
    return { ok: false, error: 'Handshake request must be a JSON object: {"protocol":"json","version":1}.' };
  }
  const { protocol, version, type } = value as Record<string, unknown>;
  if (protocol === undefined && type !== undefined) {
    return { ok: false, error: 'The first message must be the handshake request {"protocol":"json","version":1}, not a hub message.' };
  }
  if (typeof protocol !== 'string') return { ok: false, error: "Handshake request is missing the 'protocol' field." };
  if (typeof version !== 'number' || !Number.isInteger(version)) return { ok: false, error: "Handshake request is missing the 'version' field." };
  // ASP.NET Core looks protocol names up case-insensitively, so `"JSON"` is the JSON protocol too.
  if (protocol.toLowerCase() !== 'json') return { ok: false, error: `The protocol '${protocol}' is not supported.` };
  if (!SUPPORTED_VERSIONS.includes(version)) return { ok: false, error: `The server does not support version ${version} of the 'json' protocol.` };
  return { ok: true, version };
}
