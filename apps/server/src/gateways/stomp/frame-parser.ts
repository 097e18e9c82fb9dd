import { LIMITS } from '@parley/protocol';
import { unescapeHeader } from './header-escaping.js';
import { isRawHeaderCommand, StompProtocolError, type StompFrame, type StompHeaders, type StompVersion } from './stomp-frame.js';

/** What the parser found next in the byte stream. */
export type ParsedItem = { type: 'frame'; frame: StompFrame } | { type: 'heartbeat' };

/** Most header lines one frame may carry; a real client sends fewer than ten. */
export const MAX_HEADER_LINES = 128;
/** Longest command or header line, in bytes; a bearer token fits many times over. */
export const MAX_HEADER_LINE_BYTES = 8 * 1024;

const LF = 0x0a;
const CR = 0x0d;
const NUL = 0x00;
/** Smallest buffer taken: under 4 KiB, Node carves it from its shared pool instead of allocating. */
const MIN_BUFFER_BYTES = 1024;
/** Shared by every parser with nothing buffered. */
const EMPTY = Buffer.alloc(0);
const utf8 = new TextDecoder('utf-8', { fatal: true });

type Phase = 'between' | 'head' | 'body';

/**
 * Incremental STOMP frame parser working on bytes: frames may be split across and packed within
 * transport messages, EOLs between frames are heart-beats, the reassembled frame is capped. Feed
 * bytes with `push`, then call `next` until it returns null. Every malformed input throws
 * StompProtocolError; after that the parser must be discarded.
 *
 * Work is linear in the bytes received however the stream is sliced: the parser keeps its scan
 * position and the header lines already parsed, so a frame trickled one byte per message costs
 * what it costs in one message. Without that, a client could make the server rescan a growing
 * frame on every tiny message and burn CPU quadratically before ever authenticating.
 */
export class StompFrameParser {
  /** Header unescaping follows this version; set it once CONNECT has been negotiated. */
  version: StompVersion = '1.2';
  /** Bytes copied or scanned so far: a measure of work done, for tests that bound it. */
  workBytes = 0;
  private buffer: Buffer = EMPTY;
  /** First byte not yet handed out (the start of the unfinished frame, if any). */
  private start = 0;
  private end = 0;
  private phase: Phase = 'between';
  /** Head: where the current line starts, and how far it has been searched for its LF. */
  private lineStart = 0;
  private scanned = 0;
  private command = '';
  private headers: StompHeaders = [];
  /** Body: where it starts, its declared length, how far it has been searched for the NUL. */
  private bodyStart = 0;
  private declaredLength: number | null = null;

  constructor(private readonly maxFrameBytes: number = LIMITS.frameMaxBytes) {}

  push(chunk: Uint8Array): void {
    if (chunk.byteLength === 0) return;
    this.reserve(chunk.byteLength);
    this.buffer.set(chunk, this.end);
    this.end += chunk.byteLength;
    this.workBytes += chunk.byteLength;
  }

  /** Bytes received but not yet part of a complete frame. */
  get pendingBytes(): number {
    return this.end - this.start;
  }

  next(): ParsedItem | null {
    for (;;) {
      if (this.phase === 'between') {
        if (this.start === this.end) return this.idle();
        const first = this.buffer[this.start]!;
        if (first === LF) return this.heartbeat(1);
        if (first === CR) {
          if (this.end - this.start < 2) return null;
          if (this.buffer[this.start + 1] === LF) return this.heartbeat(2);
          throw new StompProtocolError('Malformed frame', 'a CR must be followed by LF');
        }
        this.phase = 'head';
        this.lineStart = this.scanned = this.start;
        this.command = '';
        this.headers = [];
      }
      if (this.phase === 'head' && !this.readHead()) return this.waiting();
      if (this.phase === 'body') {
        const frame = this.readBody();
        return frame ? { type: 'frame', frame } : this.waiting();
      }
    }
  }

  /** Reads complete head lines; true once the blank line ending the head was read. */
  private readHead(): boolean {
    for (;;) {
      const eol = this.find(LF, this.scanned);
      const lineEnd = eol < 0 ? this.end : eol;
      if (this.find(NUL, this.scanned, lineEnd) >= 0) throw new StompProtocolError('Malformed frame', 'the frame ended inside its headers');
      if (lineEnd - this.lineStart > MAX_HEADER_LINE_BYTES) {
        throw new StompProtocolError('Header line too long', `a command or header line may be at most ${MAX_HEADER_LINE_BYTES} bytes`);
      }
      if (eol < 0) {
        this.scanned = this.end;
        return false;
      }
      const contentEnd = eol > this.lineStart && this.buffer[eol - 1] === CR ? eol - 1 : eol;
      const line = this.buffer.subarray(this.lineStart, contentEnd);
      this.lineStart = this.scanned = eol + 1;
      if (this.lineStart - this.start > this.maxFrameBytes) throw oversize(this.maxFrameBytes);
      if (this.command === '') {
        this.command = this.decode(line);
        if (!/^[A-Z]+$/.test(this.command)) throw new StompProtocolError('Unknown command', `"${this.command.slice(0, 32)}" is not a STOMP command`);
        continue;
      }
      if (line.length === 0) {
        this.startBody();
        return true;
      }
      if (this.headers.length >= MAX_HEADER_LINES) throw new StompProtocolError('Too many headers', `a frame may carry at most ${MAX_HEADER_LINES} header lines`);
      this.headers.push(this.parseHeader(line));
    }
  }

  private startBody(): void {
    this.phase = 'body';
    this.bodyStart = this.scanned = this.lineStart;
    this.declaredLength = contentLength(this.headers);
    if (this.declaredLength !== null && this.bodyStart - this.start + this.declaredLength + 1 > this.maxFrameBytes) throw oversize(this.maxFrameBytes);
  }

  /** The finished frame, or null while its body is incomplete. */
  private readBody(): StompFrame | null {
    let bodyEnd: number;
    if (this.declaredLength !== null) {
      bodyEnd = this.bodyStart + this.declaredLength;
      if (this.end <= bodyEnd) return null;
      if (this.buffer[bodyEnd] !== NUL) throw new StompProtocolError('Malformed frame', 'the body is longer than its content-length');
    } else {
      bodyEnd = this.find(NUL, this.scanned);
      if (bodyEnd < 0) {
        this.scanned = this.end;
        return null;
      }
      if (bodyEnd + 1 - this.start > this.maxFrameBytes) throw oversize(this.maxFrameBytes);
    }
    const body = Buffer.from(this.buffer.subarray(this.bodyStart, bodyEnd));
    this.workBytes += body.length;
    const frame: StompFrame = { command: this.command, headers: this.headers, body };
    this.start = bodyEnd + 1;
    this.phase = 'between';
    this.headers = [];
    return frame;
  }

  private heartbeat(bytes: number): ParsedItem {
    this.start += bytes;
    return { type: 'heartbeat' };
  }

  /**
   * Nothing buffered: rewind, and let go of the buffer. An idle connection then holds no bytes
   * here (most connections are idle most of the time, and a kept buffer was the largest part of
   * an idle session); the next read takes a small buffer from Node's shared pool.
   */
  private idle(): null {
    this.start = this.end = 0;
    if (this.buffer.length > 0) this.buffer = EMPTY;
    return null;
  }

  /** The frame is incomplete: it may not already be longer than a frame may be. */
  private waiting(): null {
    if (this.end - this.start > this.maxFrameBytes) throw oversize(this.maxFrameBytes);
    return null;
  }

  /** Position of `byte` in [from, to), or -1; counts the bytes looked at. */
  private find(byte: number, from: number, to = this.end): number {
    if (from >= to) return -1;
    const found = this.buffer.subarray(from, to).indexOf(byte);
    this.workBytes += found < 0 ? to - from : found + 1;
    return found < 0 ? -1 : from + found;
  }

  /**
   * Room for `bytes` more at the end. Handed-out bytes are dropped by moving the live ones to the
   * front, or into a buffer twice as large, so each byte is copied a bounded number of times.
   */
  private reserve(bytes: number): void {
    if (this.end + bytes <= this.buffer.length) return;
    const live = this.end - this.start;
    const target = this.start >= live && live + bytes <= this.buffer.length ? this.buffer : Buffer.allocUnsafe(Math.max(2 * (live + bytes), MIN_BUFFER_BYTES));
    if (target === this.buffer) this.buffer.copyWithin(0, this.start, this.end);
    else this.buffer.copy(target, 0, this.start, this.end);
    this.workBytes += live;
    const shift = this.start;
    this.buffer = target;
    this.start = 0;
    this.end = live;
    this.lineStart -= shift;
    this.scanned -= shift;
    this.bodyStart -= shift;
  }

  private parseHeader(line: Buffer): [string, string] {
    const text = this.decode(line);
    const colon = text.indexOf(':');
    if (colon < 0) throw new StompProtocolError('Malformed header', `header line without a colon: "${text.slice(0, 64)}"`);
    const name = text.slice(0, colon);
    const value = text.slice(colon + 1);
    return isRawHeaderCommand(this.command) ? [name, value] : [unescapeHeader(name, this.version), unescapeHeader(value, this.version)];
  }

  private decode(bytes: Buffer): string {
    this.workBytes += bytes.length;
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
