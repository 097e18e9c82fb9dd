import { LIMITS, type SendableMessageType } from '@parley/protocol';
import { ParleyError } from './errors.js';

/**
 * The largest SEND body that fits in one STOMP frame (64 KiB with its headers). The server ends the
 * connection on a larger frame, so such a message would cut the connection again on every resend.
 */
export const MAX_SEND_BODY_BYTES = LIMITS.frameMaxBytes - 512;

/** Refuses a message whose wire form (`bytes`) is over the transport's `max`. */
export function checkFrameSize(bytes: number, max: number): void {
  if (bytes > max) {
    throw new ParleyError('PAYLOAD_TOO_LARGE', `the message takes ${bytes} bytes on the wire, more than the ${max} one frame may hold (content and extra together)`);
  }
}

/** UTF-8 length of the SEND body. */
export function sendBodyBytes(body: object): number {
  return utf8Bytes(JSON.stringify(body));
}

/** UTF-8 length of a string (no TextEncoder: some mini-program runtimes lack it). */
export function utf8Bytes(text: string): number {
  let bytes = 0;
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    if (unit < 0x80) bytes += 1;
    else if (unit < 0x800) bytes += 2;
    else if (unit >= 0xd800 && unit <= 0xdbff && (text.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      bytes += 4;
      i++;
    } else bytes += 3;
  }
  return bytes;
}

/** Client-side check of the server's content rules (docs/operations.md), so obvious mistakes fail before queueing. */
export function validateContent(type: SendableMessageType, content: string): void {
  const fail = (why: string) => {
    throw new ParleyError('VALIDATION_FAILED', why);
  };
  if (typeof content !== 'string') fail('content must be a string');
  if (type === 'TEXT') {
    const length = [...content.trim()].length;
    if (length < 1) fail('text is empty');
    if (length > LIMITS.textMaxChars) fail(`text is longer than ${LIMITS.textMaxChars} characters`);
  } else if (type === 'EMOJI') {
    if (content.length < 1 || content.length > LIMITS.emojiCodeMaxChars) fail('sticker code must be 1–64 characters');
  } else if (type === 'CUSTOM') {
    const length = [...content.trim()].length;
    if (length < 1 || length > LIMITS.customContentMaxChars) fail(`a CUSTOM message needs a fallback text of 1–${LIMITS.customContentMaxChars} characters as content`);
  } else if (!content) {
    fail(`${type} needs the uploaded media URL as content`);
  }
}

/** A CUSTOM message carries the host app's JSON object in `extra`, at most 8 KB of it; other types' extra is checked by the server. */
export function validateExtra(type: SendableMessageType, extra: Record<string, unknown> | null | undefined): void {
  if (type !== 'CUSTOM') return;
  if (!extra || typeof extra !== 'object' || Array.isArray(extra)) throw new ParleyError('VALIDATION_FAILED', 'extra: a CUSTOM message needs a JSON object');
  const bytes = utf8Bytes(JSON.stringify(extra));
  if (bytes > LIMITS.customExtraMaxBytes) throw new ParleyError('VALIDATION_FAILED', `extra: ${bytes} bytes, more than the ${LIMITS.customExtraMaxBytes} a CUSTOM message may carry`);
}
