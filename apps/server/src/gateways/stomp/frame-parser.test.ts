import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MAX_HEADER_LINE_BYTES, MAX_HEADER_LINES, StompFrameParser, type ParsedItem } from './frame-parser.js';
import { serializeFrame } from './frame-serializer.js';
import { StompProtocolError, type StompFrame, type StompVersion } from './stomp-frame.js';

const MAX = 64 * 1024;

function parseAll(chunks: Uint8Array[], version: StompVersion = '1.2'): ParsedItem[] {
  const parser = new StompFrameParser(MAX);
  parser.version = version;
  const items: ParsedItem[] = [];
  for (const chunk of chunks) {
    parser.push(chunk);
    for (let item = parser.next(); item; item = parser.next()) items.push(item);
  }
  return items;
}

const frames = (items: ParsedItem[]) => items.flatMap((i) => (i.type === 'frame' ? [i.frame] : []));
const bytes = (text: string) => Buffer.from(text, 'utf8');

/** Cuts a buffer at the given (sorted, deduplicated) offsets. */
function cut(buffer: Buffer, offsets: number[]): Buffer[] {
  const points = [...new Set(offsets.map((o) => o % (buffer.length + 1)))].sort((a, b) => a - b);
  const parts: Buffer[] = [];
  let start = 0;
  for (const point of points) {
    parts.push(buffer.subarray(start, point));
    start = point;
  }
  parts.push(buffer.subarray(start));
  return parts;
}

// NUL ends a frame and has no escape: STOMP headers cannot carry it.
const text = fc.string({ unit: 'binary', maxLength: 20 }).map((s) => s.replace(/\0/g, ''));
const command = fc.constantFrom('SEND', 'SUBSCRIBE', 'MESSAGE', 'RECEIPT', 'ERROR', 'ACK', 'DISCONNECT');
const header = fc.tuple(text, text).filter(([name]) => name !== 'content-length');
const frameArb: fc.Arbitrary<StompFrame> = fc
  .record({
    command,
    headers: fc.array(header, { maxLength: 6 }),
    body: fc.uint8Array({ maxLength: 300 }),
    withLength: fc.boolean(),
  })
  .map(({ command, headers, body, withLength }) => {
    const needsLength = withLength || body.includes(0);
    return { command, headers: needsLength ? [...headers, ['content-length', String(body.length)] as [string, string]] : headers, body: Buffer.from(body) };
  });

describe('STOMP codec properties', () => {
  it('parse(serialize(frames)) = frames under any chunking, with heart-beats between', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(frameArb, fc.constantFrom('', '\n', '\r\n', '\n\n')), { minLength: 1, maxLength: 5 }), fc.array(fc.nat(), { maxLength: 12 }), (list, offsets) => {
        const stream = Buffer.concat(list.flatMap(([frame, eol]) => [serializeFrame(frame, '1.2'), bytes(eol)]));
        const parsed = frames(parseAll(cut(stream, offsets)));
        expect(parsed.map((f) => ({ ...f, body: Buffer.from(f.body) }))).toEqual(list.map(([f]) => f));
      }),
      { numRuns: 300 },
    );
  });

  it('round-trips 1.1 and 1.0 headers that those versions can carry', () => {
    const plain = fc.string({ unit: 'grapheme-ascii', maxLength: 12 }).map((s) => s.replace(/[\r\n:\\]/g, ''));
    fc.assert(
      fc.property(fc.constantFrom<StompVersion>('1.1', '1.0'), fc.array(fc.tuple(plain, plain), { maxLength: 5 }), (version, headers) => {
        const frame: StompFrame = { command: 'SEND', headers: headers.filter(([n]) => n !== 'content-length'), body: Buffer.from('x') };
        expect(frames(parseAll([serializeFrame(frame, version)], version))).toEqual([{ ...frame, body: Buffer.from('x') }]);
      }),
    );
  });

  it('random bytes never throw anything but StompProtocolError', () => {
    fc.assert(
      fc.property(fc.array(fc.uint8Array({ maxLength: 200 }), { maxLength: 6 }), (chunks) => {
        try {
          parseAll(chunks);
        } catch (error) {
          expect(error).toBeInstanceOf(StompProtocolError);
        }
      }),
      { numRuns: 500 },
    );
  });

  it('random frame-like text never throws anything but StompProtocolError', () => {
    const piece = fc.constantFrom('SEND', 'CONNECT', '\n', '\r', ':', '\\', '\\c', '\\t', '\0', 'content-length:', '5', 'abc', 'é', '\n\n');
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 30 }), (pieces) => {
        try {
          parseAll([bytes(pieces.join(''))]);
        } catch (error) {
          expect(error).toBeInstanceOf(StompProtocolError);
        }
      }),
      { numRuns: 500 },
    );
  });
});

describe('STOMP codec examples', () => {
  it('unescapes 1.2 headers but not CONNECT headers', () => {
    const [send, connect] = frames(parseAll([bytes('SEND\nx-k:a\\cb\\nc\\\\\n\n\0CONNECT\nAuthorization:Bearer abc:def\\x\n\n\0')]));
    expect(send!.headers).toEqual([['x-k', 'a:b\nc\\']]);
    expect(connect!.headers).toEqual([['Authorization', 'Bearer abc:def\\x']]);
  });

  it('rejects an undefined escape', () => {
    expect(() => parseAll([bytes('SEND\nx:a\\tb\n\n\0')])).toThrow(StompProtocolError);
  });

  it('counts content-length in bytes and allows NULs in the body', () => {
    const body = '你好\0😀';
    const [frame] = frames(parseAll([bytes(`SEND\ncontent-length:${Buffer.byteLength(body)}\n\n${body}\0`)]));
    expect(Buffer.from(frame!.body).toString()).toBe(body);
  });

  it('rejects a content-length that is too short or not a number', () => {
    expect(() => parseAll([bytes('SEND\ncontent-length:2\n\nabc\0')])).toThrow(expect.objectContaining({ detail: 'the body is longer than its content-length' }));
    expect(() => parseAll([bytes('SEND\ncontent-length:x\n\nabc\0')])).toThrow(StompProtocolError);
  });

  it('keeps the first of repeated headers available in order and drops CR of CRLF lines', () => {
    const [frame] = frames(parseAll([bytes('\r\n\nSEND\r\na:1\r\na:2\r\n\r\nbody\0\r\n')]));
    expect(frame).toEqual({ command: 'SEND', headers: [['a', '1'], ['a', '2']], body: Buffer.from('body') });
  });

  it('refuses frames over the cap, with or without content-length', () => {
    expect(() => parseAll([bytes(`SEND\n\n${'x'.repeat(MAX)}`)])).toThrow('Frame too large');
    expect(() => parseAll([bytes(`SEND\ncontent-length:${MAX}\n\n`)])).toThrow('Frame too large');
  });

  it('reports heart-beats and lower-case commands as errors', () => {
    expect(parseAll([bytes('\n\r\n')]).map((i) => i.type)).toEqual(['heartbeat', 'heartbeat']);
    expect(() => parseAll([bytes('send\n\n\0')])).toThrow('Unknown command');
  });
});

/** Feeds the chunks to a fresh parser and reports the work it did (bytes copied or scanned). */
function workFor(chunks: Uint8Array[]): { work: number; frames: StompFrame[] } {
  const parser = new StompFrameParser(MAX);
  const found: StompFrame[] = [];
  for (const chunk of chunks) {
    parser.push(chunk);
    for (let item = parser.next(); item; item = parser.next()) if (item.type === 'frame') found.push(item.frame);
  }
  return { work: parser.workBytes, frames: found };
}

const byLine = (buffer: Buffer) => cut(buffer, [...buffer.keys()].filter((i) => buffer[i - 1] === 0x0a));
const byByte = (buffer: Buffer) => [...buffer.keys()].map((i) => buffer.subarray(i, i + 1));

describe('STOMP parser work is linear in the bytes received', () => {
  const headerLines = Array.from({ length: MAX_HEADER_LINES - 2 }, (_, i) => `x-h${i}:${'v'.repeat(40)}\n`).join('');
  const withoutLength = bytes(`SEND\ndestination:/app/chat.send\n${headerLines}\n${'b'.repeat(40_000)}\0`);
  const withLength = bytes(`SEND\ndestination:/app/chat.send\n${headerLines}content-length:40000\n\n${'b'.repeat(40_000)}\0`);

  it.each([
    ['without content-length', withoutLength],
    ['with content-length', withLength],
  ])('a frame %s costs about the same whole, line by line and byte by byte', (_, frame) => {
    const whole = workFor([frame]);
    const lines = workFor(byLine(frame));
    const single = workFor(byByte(frame));
    for (const run of [whole, lines, single]) expect(run.frames).toHaveLength(1);
    expect(lines.frames).toEqual(whole.frames);
    expect(single.frames).toEqual(whole.frames);
    expect(whole.work).toBeLessThanOrEqual(4 * frame.length);
    expect(lines.work).toBeLessThanOrEqual(3 * whole.work);
    expect(single.work).toBeLessThanOrEqual(3 * whole.work);
  });

  it('CONNECT followed by 30,000 one-line messages is refused after bounded work', () => {
    const parser = new StompFrameParser(MAX);
    let received = 0;
    expect(() => {
      parser.push(bytes('CONNECT\n'));
      for (let i = 0; i < 30_000; i++) {
        const line = bytes(`h${i}:v\n`);
        received += line.length;
        parser.push(line);
        parser.next();
      }
    }).toThrow('Too many headers');
    expect(parser.workBytes).toBeLessThanOrEqual(4 * (received + 8));
  });

  it('many frames in one stream cost a constant per byte', () => {
    const stream = Buffer.concat(Array.from({ length: 2000 }, (_, i) => bytes(`SEND\ndestination:/app/chat.send\nreceipt:r${i}\n\n{"n":${i}}\0\n`)));
    for (const chunks of [[stream], byLine(stream), cut(stream, Array.from({ length: 5000 }, (_, i) => i * 37))]) {
      const run = workFor(chunks);
      expect(run.frames).toHaveLength(2000);
      expect(run.work).toBeLessThanOrEqual(5 * stream.length);
    }
  });
});

describe('STOMP parser head limits', () => {
  it(`refuses more than ${MAX_HEADER_LINES} header lines`, () => {
    const ok = `SEND\n${'a:b\n'.repeat(MAX_HEADER_LINES)}\n\0`;
    expect(frames(parseAll([bytes(ok)]))[0]!.headers).toHaveLength(MAX_HEADER_LINES);
    expect(() => parseAll([bytes(`SEND\n${'a:b\n'.repeat(MAX_HEADER_LINES + 1)}\n\0`)])).toThrow('Too many headers');
  });

  it(`refuses a line over ${MAX_HEADER_LINE_BYTES} bytes, even before its end arrives`, () => {
    const exact = `x:${'v'.repeat(MAX_HEADER_LINE_BYTES - 2)}`;
    expect(frames(parseAll([bytes(`SEND\n${exact}\n\n\0`)]))[0]!.headers[0]![1]).toHaveLength(MAX_HEADER_LINE_BYTES - 2);
    expect(() => parseAll([bytes(`SEND\n${exact}v\n\n\0`)])).toThrow('Header line too long');
    expect(() => parseAll([bytes('SEND\nx:'), bytes('v'.repeat(MAX_HEADER_LINE_BYTES))])).toThrow('Header line too long');
    expect(() => parseAll([bytes('A'.repeat(MAX_HEADER_LINE_BYTES + 1))])).toThrow('Header line too long');
  });

  it('counts a trickled frame against the cap from its first byte', () => {
    const parser = new StompFrameParser(1024);
    parser.push(bytes('SEND\n\n'));
    expect(() => {
      for (let i = 0; i < 2000; i++) {
        parser.push(bytes('x'));
        parser.next();
      }
    }).toThrow('Frame too large');
    expect(parser.pendingBytes).toBeLessThanOrEqual(1026);
  });
});
