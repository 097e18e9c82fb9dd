import { Client } from '@stomp/stompjs';
import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { RawStomp } from '../support/raw-stomp.js';
import { StompUser } from '../support/stomp-client.js';
import { eventually, startTestServer, type TestServer } from '../support/test-app.js';

/** Raw-frame conformance of the STOMP door over a plain `ws` socket. */
let server: TestServer;
let nextUser = 100;
const user = async () => {
  const id = nextUser++;
  return { id, token: await server.token(id, `u${id}`) };
};
const send = (receiverId: number, content: string, clientMsgId: string) => JSON.stringify({ receiverId, messageType: 'TEXT', content, clientMsgId });
const sendFrame = (body: string, extra = '') => `SEND\ndestination:/app/chat.send\n${extra}content-length:${Buffer.byteLength(body)}\n\n${body}\0`;

beforeAll(async () => {
  server = await startTestServer({ PARLEY_SEND_RATE: '1000', PARLEY_SEND_BURST: '1000' });
});
afterAll(async () => {
  await server?.app.shutdown();
});

async function expectFatal(raw: RawStomp, message: string | RegExp): Promise<void> {
  const error = await raw.next('ERROR');
  expect(error.headers.message).toMatch(message);
  expect(await raw.closed()).toBe(1002);
}

describe('connect', () => {
  it('selects v12.stomp and answers CONNECTED 1.2 with heart-beat and user-name', async () => {
    const alice = await user();
    await using raw = await RawStomp.open(server.wsUrl);
    expect(raw.socket.protocol).toBe('v12.stomp');
    raw.send(`CONNECT\naccept-version:1.2,1.1,1.0\nheart-beat:10000,10000\nAuthorization:Bearer ${alice.token}\n\n\0`);
    const connected = await raw.next('CONNECTED');
    expect(connected.headers).toMatchObject({ version: '1.2', 'heart-beat': '10000,10000', 'user-name': String(alice.id) });
  });

  it('selects the first supported subprotocol the client offers, also on /ws/websocket', async () => {
    await using raw = await RawStomp.open(server.wsUrl, '/ws/websocket', ['v11.stomp', 'v12.stomp']);
    expect(raw.socket.protocol).toBe('v11.stomp');
  });

  it('refuses upgrades on other paths', async () => {
    const socket = new WebSocket(server.wsUrl + '/nope', ['v12.stomp']);
    await expect(new Promise((resolve, reject) => (socket.once('open', resolve), socket.once('error', reject)))).rejects.toThrow();
  });

  it.each([
    ['1.1', '1.1'],
    [undefined, '1.0'],
    ['1.0,1.1', '1.1'],
  ])('accept-version %s negotiates %s', async (offer, version) => {
    const alice = await user();
    await using raw = await RawStomp.open(server.wsUrl);
    raw.send(`CONNECT\n${offer ? `accept-version:${offer}\n` : ''}passcode:${alice.token}\n\n\0`);
    expect((await raw.next('CONNECTED')).headers.version).toBe(version);
  });

  it('accept-version 2.0 gets ERROR with the supported versions, then close', async () => {
    const alice = await user();
    await using raw = await RawStomp.open(server.wsUrl);
    raw.send(`CONNECT\naccept-version:2.0\nAuthorization:Bearer ${alice.token}\n\n\0`);
    const error = await raw.next('ERROR');
    expect(error.headers.version).toBe('1.2,1.1,1.0');
    expect(await raw.closed()).toBe(1002);
  });

  it.each([
    ['missing', ''],
    ['bad', 'Authorization:Bearer not-a-jwt\n'],
  ])('a %s token gets ERROR, then close', async (_, header) => {
    await using raw = await RawStomp.open(server.wsUrl);
    raw.send(`CONNECT\naccept-version:1.2\n${header}\n\0`);
    await expectFatal(raw, 'Unauthorized');
  });

  it('accepts STOMP as CONNECT, a token in passcode, and ?access_token= on the upgrade', async () => {
    const alice = await user();
    await using viaPasscode = await RawStomp.open(server.wsUrl);
    viaPasscode.send(`STOMP\naccept-version:1.2\nlogin:x\npasscode:${alice.token}\n\n\0`);
    await viaPasscode.next('CONNECTED');
    await using viaQuery = await RawStomp.open(server.wsUrl, `/ws?access_token=${alice.token}`);
    viaQuery.send('CONNECT\naccept-version:1.2\n\n\0');
    expect((await viaQuery.next('CONNECTED')).headers['user-name']).toBe(String(alice.id));
  });
});

describe('framing', () => {
  it('takes two frames in one message and one frame over three messages, with CRLF and stray EOLs', async () => {
    const [alice, bob] = [await user(), await user()];
    await using raw = await RawStomp.connected(server.wsUrl, alice.token);
    raw.send('\n\r\nSUBSCRIBE\r\nid:0\r\ndestination:/user/queue/messages\r\nreceipt:r0\r\n\r\n\0\n\nSUBSCRIBE\nid:1\ndestination:/user/queue/errors\nreceipt:r1\n\n\0\r\n');
    await raw.next('RECEIPT', (f) => f.headers['receipt-id'] === 'r1');
    const frame = sendFrame(send(bob.id, 'split', 's-1'), 'receipt:r2\n');
    raw.send(frame.slice(0, 10));
    raw.send(frame.slice(10, 40));
    raw.send(frame.slice(40));
    await raw.next('RECEIPT', (f) => f.headers['receipt-id'] === 'r2');
    expect(JSON.parse((await raw.next('MESSAGE')).body).content).toBe('split');
  });

  it('keeps accents, emoji and CJK; content-length counts bytes', async () => {
    const [alice, bob] = [await user(), await user()];
    await using raw = await RawStomp.connected(server.wsUrl, alice.token);
    await raw.subscribe('0', '/user/queue/messages');
    const content = 'Grüße 😀 你好';
    raw.send(sendFrame(send(bob.id, content, 'u-1')));
    const message = await raw.next('MESSAGE');
    expect(JSON.parse(message.body).content).toBe(content);
    expect(Number(message.headers['content-length'])).toBe(Buffer.byteLength(message.body));
  });

  it('escapes :, \\ and newline in MESSAGE headers', async () => {
    const [alice, bob] = [await user(), await user()];
    await using raw = await RawStomp.connected(server.wsUrl, alice.token);
    raw.send('SUBSCRIBE\nid:a\\cb\\nc\\\\\ndestination:/user/queue/messages\nreceipt:r\n\n\0');
    await raw.next('RECEIPT');
    raw.send(sendFrame(send(bob.id, 'esc', 'e-1')));
    const message = await raw.next('MESSAGE');
    expect(message.headers.subscription).toBe('a:b\nc\\');
    expect(raw.messages.some((m) => m.includes('subscription:a\\cb\\nc\\\\\n'))).toBe(true);
  });

  it('a \\t escape gives ERROR and close', async () => {
    const alice = await user();
    await using raw = await RawStomp.connected(server.wsUrl, alice.token);
    raw.send('SEND\ndestination:/app/chat\\t\n\n{}\0');
    await expectFatal(raw, 'Invalid header escape');
  });

  it('a content-length shorter than the body gives ERROR and close', async () => {
    const alice = await user();
    await using raw = await RawStomp.connected(server.wsUrl, alice.token);
    raw.send('SEND\ndestination:/app/chat.send\ncontent-length:2\n\n{"a":1}\0');
    await expectFatal(raw, 'Malformed frame');
  });

  it.each([
    ['without content-length', (n: number) => `SEND\ndestination:/app/chat.send\n\n${'x'.repeat(n)}\0`],
    ['with content-length', (n: number) => `SEND\ndestination:/app/chat.send\ncontent-length:${n}\n\n${'x'.repeat(n)}\0`],
    ['spread over messages', (n: number) => `SEND\ndestination:/app/chat.send\n\n${'x'.repeat(n)}`],
  ])('an oversize frame %s gives ERROR and close; the server stays healthy', async (_, frame) => {
    const alice = await user();
    await using raw = await RawStomp.connected(server.wsUrl, alice.token);
    const text = frame(70 * 1024);
    for (let i = 0; i < text.length; i += 16 * 1024) raw.send(text.slice(i, i + 16 * 1024));
    await expectFatal(raw, 'Frame too large');
    await using again = await RawStomp.connected(server.wsUrl, alice.token);
    expect(again.closeCode).toBeNull();
  });
});

describe('sequence errors', () => {
  it.each([
    ['a frame before CONNECT', 'SUBSCRIBE\nid:0\ndestination:/user/queue/messages\n\n\0', 'Not connected', false],
    ['a second CONNECT', 'CONNECT\naccept-version:1.2\n\n\0', 'Already connected', true],
    ['SUBSCRIBE without id', 'SUBSCRIBE\ndestination:/user/queue/messages\n\n\0', 'Missing id header', true],
    ['an unknown command', 'FROB\n\n\0', 'Unknown command', true],
    ['a lower-case command', 'send\ndestination:/app/chat.send\n\n\0', 'Unknown command', true],
    ['a foreign queue', 'SUBSCRIBE\nid:0\ndestination:/user/123/queue/messages\n\n\0', 'Forbidden destination', true],
    ['a broker topic', 'SUBSCRIBE\nid:0\ndestination:/topic/chat\n\n\0', 'Forbidden destination', true],
    ['SEND without destination', 'SEND\n\n{}\0', 'Missing destination header', true],
  ])('%s gets ERROR and close, and only that connection ends', async (_, frame, message, connectFirst) => {
    const alice = await user();
    await using bystander = await RawStomp.connected(server.wsUrl, alice.token);
    await using raw = connectFirst ? await RawStomp.connected(server.wsUrl, alice.token) : await RawStomp.open(server.wsUrl);
    raw.send(frame);
    await expectFatal(raw, message);
    await eventually(() => server.app.registry.sessionsOf(alice.id).size === 1, 'the failed session to leave the registry');
    expect(bystander.closeCode).toBeNull();
  });

  it.each([
    ['a receipt header over 256 bytes', `SEND\ndestination:/app/chat.send\nreceipt:${'r'.repeat(257)}\n\n{}\0`, 'Receipt too long'],
    ['more than 128 header lines', `SEND\ndestination:/app/chat.send\n${'x:y\n'.repeat(128)}\n{}\0`, 'Too many headers'],
    ['a header line over 8 KiB', `SEND\ndestination:/app/chat.send\nx:${'y'.repeat(8 * 1024)}\n\n{}\0`, 'Header line too long'],
  ])('%s gets ERROR and close', async (_, frame, message) => {
    const alice = await user();
    await using raw = await RawStomp.connected(server.wsUrl, alice.token);
    raw.send(frame);
    await expectFatal(raw, message);
  });

  it('a receipt header of 256 bytes is answered', async () => {
    const alice = await user();
    await using raw = await RawStomp.connected(server.wsUrl, alice.token);
    const receipt = 'é'.repeat(128);
    raw.send(`SUBSCRIBE\nid:1\ndestination:/user/queue/messages\nreceipt:${receipt}\n\n\0`);
    expect((await raw.next('RECEIPT')).headers['receipt-id']).toBe(receipt);
  });

  it('a connection holds at most 64 subscriptions; the 65th gets ERROR (with its receipt-id) and close', async () => {
    const alice = await user();
    await using raw = await RawStomp.connected(server.wsUrl, alice.token);
    let frames = '';
    for (let i = 0; i < 64; i++) frames += `SUBSCRIBE\nid:s${i}\ndestination:/user/queue/errors\n${i === 63 ? 'receipt:full\n' : ''}\n\0`;
    raw.send(frames);
    await raw.next('RECEIPT', (f) => f.headers['receipt-id'] === 'full');
    raw.send('SUBSCRIBE\nid:s64\ndestination:/user/queue/errors\nreceipt:one-more\n\n\0');
    const error = await raw.next('ERROR');
    expect(error.headers).toMatchObject({ message: 'Too many subscriptions', 'receipt-id': 'one-more' });
    expect(await raw.closed()).toBe(1002);
  });

  it('a freed subscription slot can be used again, and a reused id is refused', async () => {
    const alice = await user();
    await using raw = await RawStomp.connected(server.wsUrl, alice.token);
    let frames = '';
    for (let i = 0; i < 64; i++) frames += `SUBSCRIBE\nid:s${i}\ndestination:/user/queue/read\n\n\0`;
    raw.send(frames + 'UNSUBSCRIBE\nid:s0\n\n\0SUBSCRIBE\nid:again\ndestination:/user/queue/read\nreceipt:again\n\n\0');
    await raw.next('RECEIPT', (f) => f.headers['receipt-id'] === 'again');
    raw.send('SUBSCRIBE\nid:s1\ndestination:/user/queue/typing\n\n\0');
    await expectFatal(raw, 'Duplicate subscription id');
  });

  it('a push reaches each subscription of the destination exactly once', async () => {
    const alice = await user();
    await using raw = await RawStomp.connected(server.wsUrl, alice.token);
    let frames = '';
    for (let i = 0; i < 3; i++) frames += `SUBSCRIBE\nid:e${i}\ndestination:/user/queue/errors\n\n\0`;
    raw.send(frames + 'SUBSCRIBE\nid:m\ndestination:/user/queue/messages\n\n\0SEND\ndestination:/app/chat.nope\nreceipt:done\n\n{}\0');
    await raw.next('RECEIPT', (f) => f.headers['receipt-id'] === 'done');
    const pushes = raw.frames.filter((f) => f.command === 'MESSAGE');
    expect(pushes.map((f) => f.headers.subscription).sort()).toEqual(['e0', 'e1', 'e2']);
  });

  it('an ERROR carries the receipt-id of the frame that caused it', async () => {
    const alice = await user();
    await using raw = await RawStomp.connected(server.wsUrl, alice.token);
    raw.send('SUBSCRIBE\ndestination:/queue/x\nid:1\nreceipt:bad-1\n\n\0');
    expect((await raw.next('ERROR')).headers['receipt-id']).toBe('bad-1');
  });
});

describe('commands', () => {
  it('SEND to an unknown /app/x, /topic/x or someone else\'s queue pushes an error and keeps the connection', async () => {
    const alice = await user();
    await using raw = await RawStomp.connected(server.wsUrl, alice.token);
    await raw.subscribe('e', '/user/queue/errors');
    for (const destination of ['/app/chat.nope', '/topic/chat', '/user/9/queue/messages']) {
      raw.send(`SEND\ndestination:${destination}\nreceipt:${destination}\n\n{"clientMsgId":"k1"}\0`);
      await raw.next('RECEIPT', (f) => f.headers['receipt-id'] === destination);
      const error = await raw.next('MESSAGE', (f) => JSON.parse(f.body).destination === destination);
      expect(error.headers.destination).toBe('/user/queue/errors');
      expect(JSON.parse(error.body)).toMatchObject({ code: expect.stringMatching(/NOT_FOUND|FORBIDDEN/), clientMsgId: 'k1' });
    }
    expect(raw.frames.some((f) => f.command === 'ERROR')).toBe(false);
    expect(raw.closeCode).toBeNull();
  });

  it('application errors carry code, message, clientMsgId and destination', async () => {
    const alice = await user();
    await using raw = await RawStomp.connected(server.wsUrl, alice.token);
    await raw.subscribe('e', '/user/queue/errors');
    raw.send(sendFrame(send(alice.id, 'me', 'self-1')));
    raw.send(sendFrame(JSON.stringify({ receiverId: 'x' })));
    raw.send('SEND\ndestination:/app/chat.send\n\nnot json\0');
    const errors = [];
    for (let i = 0; i < 3; i++) errors.push(JSON.parse((await raw.next('MESSAGE')).body));
    expect(errors.find((e) => e.code === 'SELF_CHAT')).toEqual({ code: 'SELF_CHAT', message: expect.any(String), clientMsgId: 'self-1', destination: '/app/chat.send' });
    expect(errors.filter((e) => e.code === 'VALIDATION_FAILED')).toHaveLength(2);
  });

  it('RECEIPT for SEND comes after the message is committed', async () => {
    const [alice, bob] = [await user(), await user()];
    await using raw = await RawStomp.connected(server.wsUrl, alice.token);
    raw.send(sendFrame(send(bob.id, 'durable', 'd-1'), 'receipt:d\n'));
    await raw.next('RECEIPT', (f) => f.headers['receipt-id'] === 'd');
    const history = await server.api(alice.token, 'GET', `/messages/history/${bob.id}`);
    expect(history.body.items.map((m: { content: string }) => m.content)).toEqual(['durable']);
  });

  it('pushes carry user-seq and a unique message-id; client-ack subscriptions get an ack header', async () => {
    const [alice, bob] = [await user(), await user()];
    await using raw = await RawStomp.connected(server.wsUrl, alice.token);
    raw.send('SUBSCRIBE\nid:c\ndestination:/user/queue/messages\nack:client-individual\nreceipt:r\n\n\0');
    await raw.next('RECEIPT');
    raw.send(sendFrame(send(bob.id, 'one', 'q-1')) + sendFrame(send(bob.id, 'two', 'q-2')));
    const first = await raw.next('MESSAGE');
    const second = await raw.next('MESSAGE');
    expect([first.headers['user-seq'], second.headers['user-seq']]).toEqual(['1', '2']);
    expect(first.headers['message-id']).not.toBe(second.headers['message-id']);
    expect(first.headers.ack).toBe(first.headers['message-id']);
    raw.send(`ACK\nid:${first.headers.ack}\n\n\0NACK\nid:${second.headers.ack}\n\n\0BEGIN\ntransaction:t\n\n\0COMMIT\ntransaction:t\n\n\0ABORT\ntransaction:t\n\n\0`);
    raw.send('DISCONNECT\nreceipt:bye\n\n\0');
    await raw.next('RECEIPT', (f) => f.headers['receipt-id'] === 'bye');
    expect(await raw.closed()).toBe(1000);
    expect(raw.frames.some((f) => f.command === 'ERROR')).toBe(false);
  });

  it('a repeated clientMsgId echoes the stored message to the sender only, without user-seq', async () => {
    const [alice, bob] = [await user(), await user()];
    await using raw = await RawStomp.connected(server.wsUrl, alice.token);
    await raw.subscribe('m', '/user/queue/messages');
    raw.send(sendFrame(send(bob.id, 'once', 'dup-1')));
    const original = await raw.next('MESSAGE');
    raw.send(sendFrame(send(bob.id, 'once', 'dup-1')));
    const echo = await raw.next('MESSAGE');
    expect(JSON.parse(echo.body)).toEqual(JSON.parse(original.body));
    expect(echo.headers['user-seq']).toBeUndefined();
  });

  it('UNSUBSCRIBE stops delivery; an unknown id is harmless', async () => {
    const [alice, bob] = [await user(), await user()];
    await using raw = await RawStomp.connected(server.wsUrl, alice.token);
    await raw.subscribe('m', '/user/queue/messages');
    raw.send('UNSUBSCRIBE\nid:m\n\n\0UNSUBSCRIBE\nid:nope\nreceipt:u\n\n\0');
    await raw.next('RECEIPT', (f) => f.headers['receipt-id'] === 'u');
    raw.send(sendFrame(send(bob.id, 'unheard', 'un-1'), 'receipt:s\n'));
    await raw.next('RECEIPT', (f) => f.headers['receipt-id'] === 's');
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(raw.frames.filter((f) => f.command === 'MESSAGE')).toEqual([]);
  });

  it('a session with no subscription receives nothing; the subscribed one does', async () => {
    const [alice, bob] = [await user(), await user()];
    await using listening = await RawStomp.connected(server.wsUrl, bob.token);
    await using deaf = await RawStomp.connected(server.wsUrl, bob.token);
    await listening.subscribe('m', '/user/queue/messages');
    await using sender = await RawStomp.connected(server.wsUrl, alice.token);
    sender.send(sendFrame(send(bob.id, 'to one', 'o-1'), 'receipt:s\n'));
    await listening.next('MESSAGE');
    await sender.next('RECEIPT');
    expect(deaf.frames.filter((f) => f.command === 'MESSAGE')).toEqual([]);
  });
});

describe('heart-beats and lifecycle', () => {
  let fast: TestServer;
  beforeAll(async () => {
    fast = await startTestServer({ PARLEY_STOMP_HEARTBEAT_MS: '200' });
  });
  afterAll(async () => {
    await fast?.app.shutdown();
  });

  it('keeps a beating client, sends beats to it, and drops a silent one after 3× the period', async () => {
    const token = await fast.token(1, 'hb');
    await using beating = await RawStomp.connected(fast.wsUrl, token, 'heart-beat:200,200\n');
    await using silent = await RawStomp.connected(fast.wsUrl, token, 'heart-beat:200,200\n');
    const started = Date.now();
    const beat = setInterval(() => beating.send('\n'), 150);
    try {
      await silent.next('ERROR', (f) => f.headers.message === 'Heart-beat timeout');
      expect(await silent.closed()).toBe(1002);
      expect(Date.now() - started).toBeGreaterThanOrEqual(550);
      await new Promise((resolve) => setTimeout(resolve, 600));
      expect(beating.closeCode).toBeNull();
      expect(beating.heartbeats).toBeGreaterThan(3);
    } finally {
      clearInterval(beat);
    }
  });

  it('heart-beat 0,0 turns beats off both ways', async () => {
    const token = await fast.token(2, 'quiet');
    await using quiet = await RawStomp.connected(fast.wsUrl, token, 'heart-beat:0,0\n');
    await new Promise((resolve) => setTimeout(resolve, 800));
    expect(quiet.closeCode).toBeNull();
    expect(quiet.heartbeats).toBe(0);
  });

  it('a socket that never sends CONNECT is closed after the connect timeout', async () => {
    const strict = await startTestServer({ PARLEY_STOMP_CONNECT_TIMEOUT_MS: '300' });
    try {
      const token = await strict.token(4, 'late');
      await using idle = await RawStomp.open(strict.wsUrl);
      await using prompt = await RawStomp.connected(strict.wsUrl, token);
      await expectFatal(idle, 'Connect timeout');
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(prompt.closeCode).toBeNull();
    } finally {
      await strict.app.shutdown();
    }
  });

  it('shutdown sends ERROR with a reconnect hint, then closes', async () => {
    const doomed = await startTestServer();
    const token = await doomed.token(3, 'bye');
    await using raw = await RawStomp.connected(doomed.wsUrl, token);
    await doomed.app.shutdown();
    const error = await raw.next('ERROR');
    expect(error.headers).toMatchObject({ reconnect: 'true', message: expect.stringMatching(/reconnect/) });
    expect(await raw.closed()).toBe(1012);
  });

  it('closes a connection that stops reading once its buffer passes the limit', async () => {
    const slow = await startTestServer({ PARLEY_STOMP_SEND_BUFFER_BYTES: '1024', PARLEY_SEND_RATE: '100000', PARLEY_SEND_BURST: '100000' });
    try {
      const [a, b] = [await slow.token(1, 'a'), await slow.token(2, 'b')];
      await using reader = await RawStomp.connected(slow.wsUrl, b);
      await reader.subscribe('m', '/user/queue/messages');
      const tcp = (reader.socket as unknown as { _socket: { pause(): void; resume(): void } })._socket;
      tcp.pause();
      await using writer = await RawStomp.connected(slow.wsUrl, a);
      const content = '你'.repeat(5000);
      for (let i = 0; i < 1500 && slow.app.registry.sessionsOf(2).size > 0; i += 50) {
        for (let j = i; j < i + 50; j++) writer.send(sendFrame(send(2, content, `bp-${j}`), j === i + 49 ? `receipt:bp-${i}\n` : ''));
        await writer.next('RECEIPT', (f) => f.headers['receipt-id'] === `bp-${i}`, 30_000);
      }
      await eventually(() => slow.app.registry.sessionsOf(2).size === 0, 'the slow reader to be dropped');
      tcp.resume();
      const error = await reader.next('ERROR', () => true, 30_000);
      expect(error.headers.reconnect).toBe('true');
      expect(writer.closeCode).toBeNull();
    } finally {
      await slow.app.shutdown();
    }
  }, 120_000);
});

describe('access token expiry', () => {
  const secret = 'a-stomp-test-secret-that-is-long-enough';
  let jwtServer: TestServer;
  beforeAll(async () => {
    jwtServer = await startTestServer({ JWT_SECRET: secret, PARLEY_DEV_AUTH: '' });
  });
  afterAll(async () => {
    await jwtServer?.app.shutdown();
  });
  const tokenFor = (userId: number, lifetimeS: number) =>
    new SignJWT({})
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject(String(userId))
      .setIssuedAt()
      .setExpirationTime(Math.floor(Date.now() / 1000) + lifetimeS)
      .sign(new TextEncoder().encode(secret));

  it('a @stomp/stompjs client gets ERROR saying the token expired, then is closed; a long-lived one stays', async () => {
    await using brief = await new StompUser(jwtServer.url, { token: await tokenFor(601, 2), heartbeatMs: 0 }).connect();
    await using lasting = await new StompUser(jwtServer.url, { token: await tokenFor(602, 3600), heartbeatMs: 0 }).connect();
    await eventually(() => brief.errors.length > 0, 'the expiry ERROR', 10_000);
    expect(brief.errors[0]!.headers).toMatchObject({ message: 'Access token expired', reconnect: 'true' });
    expect(brief.errors[0]!.body).toMatch(/expired/);
    expect(await eventually(() => brief.closeCodes[0], 'the socket to close')).toBe(1008);
    await eventually(() => jwtServer.app.registry.sessionsOf(601).size === 0, 'the expired session to leave the registry');
    expect(lasting.closeCodes).toEqual([]);
    expect(jwtServer.app.registry.sessionsOf(602).size).toBe(1);
  });

  it('beforeConnect supplies a fresh token, so the client reconnects after expiry', async () => {
    let minted = 0;
    let connected = 0;
    const client = new Client({
      webSocketFactory: () => new WebSocket(jwtServer.wsUrl + '/ws', ['v12.stomp']),
      heartbeatIncoming: 0,
      heartbeatOutgoing: 0,
      reconnectDelay: 50,
      beforeConnect: async () => {
        minted++;
        client.connectHeaders = { Authorization: `Bearer ${await tokenFor(603, minted === 1 ? 2 : 3600)}` };
      },
      onConnect: () => connected++,
    });
    client.activate();
    try {
      await eventually(() => connected >= 2, 'a second CONNECTED with a fresh token', 15_000);
      expect(minted).toBeGreaterThanOrEqual(2);
    } finally {
      await client.deactivate();
    }
  });
});
