import { LIMITS } from '@parley/protocol';
import { unescapeHeader } from './header-escaping.js';
import { isRawHeaderCommand, StompProtocolError, type StompFrame, type StompHeaders, type StompVersion } from './stomp-frame.js';

/** What the parser found next in the byte stream. */
export type ParsedItem = { type: 'frame'; frame: StompFrame } | { type: 'heartbeat' };

const LF = 0x0a;
const CR = 0x0d;
const NUL = 0x00;
const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Incremental STOMP frame parser working on bytes (protocols §1.1): frames may be split across
 * and packed within transport messages, EOLs between frames are heart-beats, the reassembled
 * frame is capped. Feed bytes with `push`, then call `next` until it returns null. Every
 * malformed input throws StompProtocolError; after that the parser must be discarded.
 */
export class StompFrameParser {
  /** Header unescaping follows this version; set it once CONNECT has been negotiated. */
  version: StompVersion = '1.2';
  private buffer: Buffer = Buffer.alloc(0);

  constructor(private readonly maxFrameBytes: number = LIMITS.frameMaxBytes) {}

  push(chunk: Uint8Array): void {
    const bytes = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    this.buffer = this.buffer.length === 0 ? bytes : Buffer.concat([this.buffer, bytes]);
  }

  /** Bytes received but not yet part of a complete frame. */
  get pendingBytes(): number {
    return this.buffer.length;
  }

  next(): ParsedItem | null {
    const buf = this.buffer;
    if (buf.length === 0) return null;
    if (buf[0] === LF) return this.consume(1, { type: 'heartbeat' });
    if (buf[0] === CR) {
      if (buf.length < 2) return null;
      if (buf[1] === LF) return this.consume(2, { type: 'heartbeat' });
      throw new StompProtocolError('Malformed frame', 'a CR must be followed by LF');
    }
    const head = this.findHeaderEnd(buf);
    if (head === null) return this.waitFor(buf.length);
    const [lines, bodyStart] = head;
    const command = this.decode(lines[0]!);
    if (!/^[A-Z]+$/.test(command)) throw new StompProtocolError('Unknown command', `"${command.slice(0, 32)}" is not a STOMP command`);
    const headers = this.parseHeaders(command, lines.slice(1));
    const length = contentLength(headers);
    let bodyEnd: number;
    if (length !== null) {
      if (bodyStart + length + 1 > this.maxFrameBytes) throw oversize(this.maxFrameBytes);
      if (buf.length < bodyStart + length + 1) return null;
      if (buf[bodyStart + length] !== NUL) throw new StompProtocolError('Malformed frame', 'the body is longer than its content-length');
      bodyEnd = bodyStart + length;
    } else {
      const nul = buf.indexOf(NUL, bodyStart);
      if (nul < 0) return this.waitFor(buf.length);
      if (nul + 1 > this.maxFrameBytes) throw oversize(this.maxFrameBytes);
      bodyEnd = nul;
    }
    const body = Buffer.from(buf.subarray(bodyStart, bodyEnd));
    return this.consume(bodyEnd + 1, { type: 'frame', frame: { command, headers, body } });
  }

  private consume(bytes: number, item: ParsedItem): ParsedItem {
    this.buffer = this.buffer.subarray(bytes);
    if (this.buffer.length === 0) this.buffer = Buffer.alloc(0);
    return item;
  }

  private waitFor(buffered: number): null {
    if (buffered > this.maxFrameBytes) throw oversize(this.maxFrameBytes);
    return null;
  }

  /** The command and header lines (CR stripped) and where the body starts, or null when incomplete. */
  private findHeaderEnd(buf: Buffer): [Buffer[], number] | null {
    const lines: Buffer[] = [];
    const nul = buf.indexOf(NUL);
    let pos = 0;
    for (;;) {
      const eol = buf.indexOf(LF, pos);
      if (nul >= 0 && (eol < 0 || nul < eol)) throw new StompProtocolError('Malformed frame', 'the frame ended inside its headers');
      if (eol < 0) return null;
      const line = buf.subarray(pos, eol > pos && buf[eol - 1] === CR ? eol - 1 : eol);
      pos = eol + 1;
      if (line.length === 0 && lines.length > 0) return [lines, pos];
      lines.push(line);
      if (pos > this.maxFrameBytes) throw oversize(this.maxFrameBytes);
    }
  }

  private parseHeaders(command: string, lines: Buffer[]): StompHeaders {
    const raw = isRawHeaderCommand(command);
    return lines.map((line) => {
      const text = this.decode(line);
      const colon = text.indexOf(':');
      if (colon < 0) throw new StompProtocolError('Malformed header', `header line without a colon: "${text.slice(0, 64)}"`);
      const name = text.slice(0, colon);
      const value = text.slice(colon + 1);
      return raw ? [name, value] : [unescapeHeader(name, this.version), unescapeHeader(value, this.version)];
    });
  }

  private decode(bytes: Buffer): string {
    try {
      return utf8.decode(bytes);
    } catch {
      throw new StompProtocolError('Malformed frame', 'headers are not valid UTF-8');
    }
  }
}

function contentLength(headers: StompHeaders): number | null {
  const entry = headers.find(([name]) => name === 'content-length');
  if (!entry) return null;
  if (!/^\d{1,10}$/.test(entry[1])) throw new StompProtocolError('Invalid content-length', `content-length "${entry[1].slice(0, 32)}" is not a byte count`);
  return Number(entry[1]);
}

function oversize(max: number): StompProtocolError {
  return new StompProtocolError('Frame too large', `a frame may be at most ${max} bytes`);
}
