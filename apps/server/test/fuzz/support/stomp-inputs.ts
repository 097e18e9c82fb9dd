import fc from 'fast-check';
import { mutatedBytes, mutatedJson, mutatedText } from './mutations.js';

/** A frame as the fuzzers read the server's output: command, first value of each header, body. */
export interface ServerFrame {
  command: string;
  headers: Record<string, string>;
  body: string;
}

/**
 * Reads the server's STOMP output (always well-formed: no NUL inside bodies), keeping a partial
 * frame across transport messages. Heart-beat EOLs between frames are skipped.
 */
export class ServerFrameReader {
  private tail = '';

  push(text: string, out: ServerFrame[]): void {
    const parts = (this.tail + text).split('\0');
    this.tail = parts.pop()!;
    for (const part of parts) {
      const frame = part.replace(/^[\r\n]+/, '');
      const headEnd = frame.indexOf('\n\n');
      const head = (headEnd < 0 ? frame : frame.slice(0, headEnd)).split('\n');
      const headers: Record<string, string> = {};
      for (const line of head.slice(1)) {
        const colon = line.indexOf(':');
        if (colon > 0) headers[line.slice(0, colon)] ??= line.slice(colon + 1);
      }
      out.push({ command: head[0]!, headers, body: headEnd < 0 ? '' : frame.slice(headEnd + 2) });
    }
  }
}

export function connectFrame(token: string): string {
  return `CONNECT\naccept-version:1.2\nhost:localhost\nAuthorization:Bearer ${token}\nheart-beat:0,0\n\n\0`;
}

/** Valid client frames of a connected user, to mutate; `peer` is the user they talk to. */
export function validFrames(peer: number): string[] {
  const send = (destination: string, body: object, extra = '') => {
    const json = JSON.stringify(body);
    return `SEND\ndestination:${destination}\ncontent-type:application/json\n${extra}\n${json}\0`;
  };
  return [
    'SUBSCRIBE\nid:sub-0\ndestination:/user/queue/messages\nreceipt:s-0\n\n\0',
    'SUBSCRIBE\nid:sub-1\ndestination:/user/queue/errors\n\n\0',
    'UNSUBSCRIBE\nid:sub-0\n\n\0',
    send('/app/chat.send', { receiverId: peer, messageType: 'TEXT', content: 'hello 你好 😀', clientMsgId: 'fz-1' }, 'receipt:r-1\n'),
    send('/app/chat.send', { receiverId: peer, messageType: 'TEXT', content: 'sized', clientMsgId: 'fz-2' }, `content-length:${Buffer.byteLength(JSON.stringify({ receiverId: peer, messageType: 'TEXT', content: 'sized', clientMsgId: 'fz-2' }))}\n`),
    send('/app/chat.send', { receiverId: peer, messageType: 'IMAGE', content: '/media/x.jpg', clientMsgId: 'fz-3', extra: { width: 10 } }),
    send('/app/chat.typing', { receiverId: peer, typing: true }),
    send('/app/chat.read', { conversationId: 1, upToSeq: 3 }),
    send('/app/chat.exchange', { receiverId: peer, kind: 'WECHAT' }),
    send('/app/chat.exchange.respond', { messageId: 1, accept: true }),
    send('/app/chat.recall', { messageId: 1 }),
    send('/app/chat.send', { receiverId: peer, messageType: 'TEXT', content: 're', clientMsgId: 'fz-4', replyToId: 1 }),
    send('/app/chat.edit', { messageId: 1, content: 'edited 改过 😀' }),
    send('/app/chat.react', { messageId: 1, emoji: '👍' }),
    send('/app/chat.react', { messageId: 1, emoji: null }),
    'ACK\nid:1\n\n\0',
    'BEGIN\ntransaction:t1\n\n\0',
    '\n',
  ];
}

const JSON_BODIES = (peer: number) => [
  { destination: '/app/chat.send', body: { receiverId: peer, messageType: 'TEXT', content: 'hi', clientMsgId: 'fz-j' } },
  { destination: '/app/chat.typing', body: { receiverId: peer, typing: false } },
  { destination: '/app/chat.read', body: { conversationId: 1 } },
  { destination: '/app/chat.exchange', body: { receiverId: peer, kind: 'PHOTO' } },
  { destination: '/app/chat.exchange.respond', body: { messageId: 1, accept: false } },
  { destination: '/app/chat.recall', body: { messageId: 2 } },
  { destination: '/app/chat.edit', body: { messageId: 1, content: 'edited' } },
  { destination: '/app/chat.react', body: { messageId: 1, emoji: '🇨🇳' } },
];

/** One mutated STOMP input: text goes out as a text message, bytes as a binary message. */
export function stompInput(peer: number): fc.Arbitrary<string | Buffer> {
  const frames = validFrames(peer);
  const frame = fc.constantFrom(...frames);
  const jsonBody = fc.constantFrom(...JSON_BODIES(peer)).chain(({ destination, body }) =>
    fc.tuple(mutatedJson(body), fc.boolean()).map(([json, sized]) => `SEND\ndestination:${destination}\n${sized ? `content-length:${Buffer.byteLength(json)}\n` : ''}\n${json}\0`),
  );
  const duplicatedHeaders = fc.tuple(frame, fc.integer({ min: 2, max: 200 })).map(([valid, times]) => {
    const [first, ...rest] = valid.split('\n');
    return [first, ...Array.from({ length: times }, () => rest[0] ?? ''), ...rest].join('\n');
  });
  return fc.oneof(
    { weight: 4, arbitrary: frame.chain((valid) => mutatedText(valid)) },
    { weight: 2, arbitrary: frame.chain((valid) => mutatedBytes(valid)) },
    { weight: 3, arbitrary: jsonBody },
    { weight: 1, arbitrary: duplicatedHeaders },
    { weight: 1, arbitrary: frame },
  );
}

/** A mutated CONNECT frame (the token stays a real one, so some still succeed). */
export function connectInput(token: string): fc.Arbitrary<string | Buffer> {
  return fc.oneof(mutatedText(connectFrame(token)), mutatedBytes(connectFrame(token)));
}
