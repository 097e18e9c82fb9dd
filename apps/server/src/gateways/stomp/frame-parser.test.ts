import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { StompFrameParser, type ParsedItem } from './frame-parser.js';
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
