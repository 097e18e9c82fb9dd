import { connect as netConnect } from 'node:net';
import { request as httpRequest } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { RawStomp } from '../support/raw-stomp.js';
import { StompUser } from '../support/stomp-client.js';
import { eventually, startTestServer, type TestServer } from '../support/test-app.js';

/**
 * Slow and hostile clients of the STOMP/SockJS door: a reader that never reads, sockets that
 * never speak, writers that trickle. Each is cut off within its limit while a well-behaved client
 * on another connection keeps chatting.
 */
const SEND_BUFFER_BYTES = 4096;
const CONNECT_TIMEOUT_MS = 400;
let server: TestServer;
let nextUser = 700;
const user = async (on: TestServer = server) => {
  const id = nextUser++;
  return { id, token: await on.token(id, `u${id}`) };
};
const tick = () => new Promise((resolve) => setImmediate(resolve));

beforeAll(async () => {
  server = await startTestServer({ PARLEY_STOMP_SEND_BUFFER_BYTES: String(SEND_BUFFER_BYTES), PARLEY_SEND_RATE: '1000', PARLEY_SEND_BURST: '1000' });
});
afterAll(async () => {
  await server?.app.shutdown();
});

/** Two real @stomp/stompjs clients exchange one message: the door still serves others. */
async function stillChatting(on: TestServer, tag: string): Promise<void> {
  const [alice, bob] = [await user(on), await user(on)];
  await using sender = await new StompUser(on.url, { token: alice.token, heartbeatMs: 0 }).connect();
  await using receiver = await new StompUser(on.url, { token: bob.token, heartbeatMs: 0 }).connect();
  await receiver.subscribe('/user/queue/messages');
  await sender.publish('/app/chat.send', { receiverId: bob.id, messageType: 'TEXT', content: `still here ${tag}`, clientMsgId: `ok-${tag}` });
  await receiver.next('/user/queue/messages', (body: { content: string }) => body.content === `still here ${tag}`);
}

describe('a reader that never reads', () => {
  it('provoking RECEIPTs and error pushes without reading is cut off with a reconnect hint; others keep chatting', async () => {
    const flooder = await user();
    await using raw = await RawStomp.connected(server.wsUrl, flooder.token);
    await raw.subscribe('e', '/user/queue/errors');
    const tcp = (raw.socket as unknown as { _socket: { pause(): void; resume(): void } })._socket;
    tcp.pause();
    const receipt = 'r'.repeat(250);
    const batch = Array.from({ length: 100 }, (_, i) => `SEND\ndestination:/app/chat.send\nreceipt:${receipt}${i % 10}\n\nnot json\0`).join('');
    for (let i = 0; i < 3000 && server.app.registry.sessionsOf(flooder.id).size > 0; i++) {
      raw.send(batch);
      await tick();
    }
    await eventually(() => server.app.registry.sessionsOf(flooder.id).size === 0, 'the flooder to be cut off');
    tcp.resume();
    const error = await raw.next('ERROR', () => true, 30_000);
    expect(error.headers).toMatchObject({ reconnect: 'true', message: expect.stringMatching(/too slow/) });
    expect(await raw.closed(30_000)).toBe(1013);
    await stillChatting(server, 'after-flood');
  }, 120_000);

  it('a SockJS xhr-polling session that stops polling while provoking receipts is closed at the limit', async () => {
    const flooder = await user();
    const session = `${server.url}/ws/000/flood${process.pid}`;
    const post = (path: string, body?: string) => fetch(`${session}/${path}`, { method: 'POST', headers: { 'content-type': 'text/plain;charset=UTF-8' }, ...(body !== undefined ? { body } : {}) });
    expect(await (await post('xhr')).text()).toBe('o\n');
    const connect = `CONNECT\naccept-version:1.2\nheart-beat:0,0\nAuthorization:Bearer ${flooder.token}\n\n\0`;
    expect((await post('xhr_send', JSON.stringify([connect, 'SUBSCRIBE\nid:e\ndestination:/user/queue/errors\n\n\0']))).status).toBe(204);
    await eventually(() => server.app.registry.sessionsOf(flooder.id).size === 1, 'the SockJS session to connect');
    const bad = Array.from({ length: 20 }, (_, i) => `SEND\ndestination:/app/chat.send\nreceipt:${'r'.repeat(250)}${i % 10}\n\nnot json\0`);
    for (let i = 0; i < 100 && server.app.registry.sessionsOf(flooder.id).size > 0; i++) await post('xhr_send', JSON.stringify(bad));
    await eventually(() => server.app.registry.sessionsOf(flooder.id).size === 0, 'the non-polling session to be cut off');
    const answer = await (await post('xhr')).text();
    expect(answer).toContain('reconnect:true');
    expect(answer).toMatch(/c\[1013,"Connection too slow to receive; reconnect and resync"\]\n$/);
    await stillChatting(server, 'after-sockjs-flood');
  });
});

describe('a socket that never speaks', () => {
  let strict: TestServer;
  beforeAll(async () => {
    strict = await startTestServer({ PARLEY_STOMP_CONNECT_TIMEOUT_MS: String(CONNECT_TIMEOUT_MS), PARLEY_SOCKJS_DISCONNECT_MS: '60000' });
  });
  afterAll(async () => {
    await strict?.app.shutdown();
  });

  it('a SockJS websocket without CONNECT gets ERROR and c[1002,…] after the connect timeout', async () => {
    const socket = new WebSocket(`${strict.wsUrl}/ws/000/silent${process.pid}/websocket`);
    const frames: string[] = [];
    let closed = false;
    socket.on('message', (data: Buffer) => frames.push(data.toString('utf8')));
    socket.on('close', () => (closed = true));
    try {
      await eventually(() => closed, 'the silent SockJS websocket to close');
      expect(frames[0]).toBe('o');
      expect(frames.some((f) => f.startsWith('a[') && f.includes('Connect timeout'))).toBe(true);
      expect(frames.at(-1)).toMatch(/^c\[1002,/);
    } finally {
      socket.terminate();
    }
    await stillChatting(strict, 'after-silent-sockjs-ws');
  });

  it('a SockJS xhr-streaming session without CONNECT gets ERROR and c[1002,…] after the connect timeout', async () => {
    const text = await new Promise<string>((resolve, reject) => {
      const req = httpRequest(`${strict.url}/ws/000/stream${process.pid}/xhr_streaming`, { method: 'POST' }, (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (body += chunk));
        res.on('end', () => resolve(body));
      });
      req.on('error', reject);
      req.end();
    });
    expect(text).toContain('Connect timeout');
    expect(text).toMatch(/\nc\[1002,"connect timeout"\]\n$/);
  });

  it('a raw TCP client that completes the WebSocket handshake and then says nothing is closed', async () => {
    const socket = netConnect({ host: '127.0.0.1', port: Number(new URL(strict.url).port) });
    let received = '';
    let ended = false;
    socket.setEncoding('latin1');
    socket.on('data', (chunk: string) => (received += chunk));
    socket.on('close', () => (ended = true));
    socket.on('error', () => undefined);
    try {
      socket.write(
        'GET /ws HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n' +
          'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Protocol: v12.stomp\r\n\r\n',
      );
      await eventually(() => received.includes('Connect timeout'), 'the connect-timeout ERROR');
      expect(received).toMatch(/^HTTP\/1\.1 101/);
      await eventually(() => ended, 'the server to drop the silent socket', 15_000);
    } finally {
      socket.destroy();
    }
  });
});

describe('a writer that trickles', () => {
  /** Sends each byte of the text as its own WebSocket message, yielding now and then. */
  async function trickle(raw: RawStomp, text: string): Promise<void> {
    const bytes = Buffer.from(text, 'utf8');
    for (let i = 0; i < bytes.length && raw.closeCode === null; i++) {
      raw.send(bytes.subarray(i, i + 1));
      if (i % 512 === 511) await tick();
    }
  }

  it('a frame sent one byte per message is handled like a whole one', async () => {
    const [alice, bob] = [await user(), await user()];
    await using receiver = await RawStomp.connected(server.wsUrl, bob.token);
    await receiver.subscribe('m', '/user/queue/messages');
    await using raw = await RawStomp.connected(server.wsUrl, alice.token);
    const body = JSON.stringify({ receiverId: bob.id, messageType: 'TEXT', content: 'drip', clientMsgId: 'trickle-1' });
    await trickle(raw, `SEND\ndestination:/app/chat.send\nreceipt:t1\ncontent-length:${Buffer.byteLength(body)}\n\n${body}\0`);
    await raw.next('RECEIPT', (f) => f.headers['receipt-id'] === 't1');
    expect(JSON.parse((await receiver.next('MESSAGE')).body)).toMatchObject({ content: 'drip' });
  });

  it('a body trickled past the 64 KiB frame limit is cut off; others keep chatting', async () => {
    const alice = await user();
    await using raw = await RawStomp.connected(server.wsUrl, alice.token);
    await trickle(raw, `SEND\ndestination:/app/chat.send\n\n${'x'.repeat(64 * 1024 + 16)}`);
    const error = await raw.next('ERROR');
    expect(error.headers.message).toBe('Frame too large');
    expect(await raw.closed()).toBe(1002);
    await stillChatting(server, 'after-body-trickle');
  }, 60_000);

  it('a header line trickled past 8 KiB is cut off', async () => {
    const alice = await user();
    await using raw = await RawStomp.connected(server.wsUrl, alice.token);
    await trickle(raw, `SEND\ndestination:/app/chat.send\nx-long:${'y'.repeat(8 * 1024 + 16)}`);
    expect((await raw.next('ERROR')).headers.message).toBe('Header line too long');
    expect(await raw.closed()).toBe(1002);
  });

  it('CONNECT followed by 30,000 one-line messages, without a token, ends after 128 header lines; others keep chatting', async () => {
    await using raw = await RawStomp.open(server.wsUrl);
    raw.send('CONNECT\n');
    for (let i = 0; i < 30_000 && raw.closeCode === null; i++) {
      raw.send(`h${i}:v\n`);
      if (i % 512 === 511) await tick();
    }
    expect((await raw.next('ERROR')).headers.message).toBe('Too many headers');
    expect(await raw.closed()).toBe(1002);
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
    await stillChatting(server, 'after-header-trickle');
  }, 60_000);

  it('one SockJS xhr_send of 30,000 one-line elements ends the session after 128 header lines', async () => {
    const session = `${server.url}/ws/000/lines${process.pid}`;
    const post = (path: string, body?: string) => fetch(`${session}/${path}`, { method: 'POST', headers: { 'content-type': 'text/plain;charset=UTF-8' }, ...(body !== undefined ? { body } : {}) });
    expect(await (await post('xhr')).text()).toBe('o\n');
    const elements = ['CONNECT\n', ...Array.from({ length: 30_000 }, (_, i) => `h${i}:v\n`)];
    expect((await post('xhr_send', JSON.stringify(elements))).status).toBe(204);
    const answer = await (await post('xhr')).text();
    expect(answer).toContain('Too many headers');
    expect(answer).toMatch(/c\[1002,"Too many headers"\]\n$/);
  });
});
