import { escapeHeader } from './header-escaping.js';
import { isRawHeaderCommand, type StompFrame, type StompVersion } from './stomp-frame.js';

const NUL = Buffer.from([0]);

/** The head of a frame (command, headers, blank line) with the version's escaping. */
export function serializeHead(command: string, headers: readonly (readonly [string, string])[], version: StompVersion): string {
  const raw = isRawHeaderCommand(command);
  let head = command + '\n';
  for (const [name, value] of headers) {
    head += raw ? `${name}:${value}\n` : `${escapeHeader(name, version)}:${escapeHeader(value, version)}\n`;
  }
  return head + '\n';
}

/** Frame bytes exactly as given: adds no header (callers add `content-length` when they want it). */
export function serializeFrame(frame: StompFrame, version: StompVersion): Buffer {
  return Buffer.concat([Buffer.from(serializeHead(frame.command, frame.headers, version), 'utf8'), frame.body, NUL]);
}

/** A text frame with `content-length` in UTF-8 bytes, as one string ready for a text message. */
export function textFrame(command: string, headers: readonly (readonly [string, string])[], body: string, version: StompVersion): string {
  const withLength: (readonly [string, string])[] = body.length > 0 ? [...headers, ['content-length', String(Buffer.byteLength(body, 'utf8'))]] : [...headers];
  return serializeHead(command, withLength, version) + body + '\0';
}
