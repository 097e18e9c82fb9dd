import { StompProtocolError, type StompVersion } from './stomp-frame.js';

const ESCAPE_12: Record<string, string> = { '\\': '\\\\', '\n': '\\n', '\r': '\\r', ':': '\\c' };
const UNESCAPE_12: Record<string, string> = { '\\': '\\', n: '\n', r: '\r', c: ':' };
const UNESCAPE_11: Record<string, string> = { '\\': '\\', n: '\n', c: ':' };

/** Escapes a header name or value for the version (1.2: `\\ \n \r :`; 1.1 lacks `\r`; 1.0 none). */
export function escapeHeader(text: string, version: StompVersion): string {
  if (version === '1.0') return text;
  const pattern = version === '1.2' ? /[\\\n\r:]/g : /[\\\n:]/g;
  return pattern.test(text) ? text.replace(pattern, (c) => ESCAPE_12[c]!) : text;
}

/** Reverses escapeHeader; any other `\x` sequence is a protocol error. */
export function unescapeHeader(text: string, version: StompVersion): string {
  if (version === '1.0' || !text.includes('\\')) return text;
  const table = version === '1.2' ? UNESCAPE_12 : UNESCAPE_11;
  return text.replace(/\\(.?)/gs, (_, c: string) => {
    const plain = table[c];
    if (plain === undefined) throw new StompProtocolError('Invalid header escape', `the escape sequence \\${c} is not defined in STOMP ${version}`);
    return plain;
  });
}
