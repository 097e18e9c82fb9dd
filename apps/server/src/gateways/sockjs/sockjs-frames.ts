/** SockJS framing: server frames and the client's JSON payloads. */

export const OPEN_FRAME = 'o';
export const HEARTBEAT_FRAME = 'h';

/** `a[...]`: a batch of application messages. U+2028/2029 are escaped as sockjs-node does. */
export function messageFrame(messages: readonly string[]): string {
  return 'a' + JSON.stringify(messages).replace(/[\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16)}`);
}

/** `c[code,"reason"]`: the session is closed. */
export function closeFrame(code: number, reason: string): string {
  return `c${JSON.stringify([code, reason])}`;
}

/** Why a payload was refused; the texts are sockjs-node's. */
export class SockjsPayloadError extends Error {}

/**
 * The messages of one client payload: a JSON array of strings, or (WebSocket only) a bare JSON
 * string. Empty payloads and `[]` carry nothing.
 */
export function parseClientPayload(text: string): string[] {
  if (text.length === 0) throw new SockjsPayloadError('Payload expected.');
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new SockjsPayloadError('Broken JSON encoding.');
  }
  if (typeof parsed === 'string') return [parsed];
  if (!Array.isArray(parsed) || !parsed.every((m): m is string => typeof m === 'string')) throw new SockjsPayloadError('Broken JSON encoding.');
  return parsed;
}
