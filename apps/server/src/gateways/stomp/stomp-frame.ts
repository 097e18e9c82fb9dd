/** STOMP protocol versions this server speaks, newest first. */
export const STOMP_VERSIONS = ['1.2', '1.1', '1.0'] as const;
export type StompVersion = (typeof STOMP_VERSIONS)[number];

/** Headers in wire order; a name may repeat and then its first value wins (STOMP 1.2). */
export type StompHeaders = [name: string, value: string][];

/**
 * One STOMP frame. The body is raw octets: `content-length` counts bytes, and a body with
 * `content-length` may hold NULs.
 */
export interface StompFrame {
  command: string;
  headers: StompHeaders;
  body: Uint8Array;
}

/** The first value of a header, or undefined. */
export function headerOf(frame: StompFrame, name: string): string | undefined {
  for (const [key, value] of frame.headers) if (key === name) return value;
  return undefined;
}

/** Frames whose headers are never escaped, in any version. */
export function isRawHeaderCommand(command: string): boolean {
  return command === 'CONNECT' || command === 'STOMP' || command === 'CONNECTED';
}

/** Malformed input: the connection answers with an ERROR frame and closes. */
export class StompProtocolError extends Error {
  constructor(
    message: string,
    readonly detail: string = message,
  ) {
    super(message);
    this.name = 'StompProtocolError';
  }
}
