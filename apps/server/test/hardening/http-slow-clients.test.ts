/**
 * Slow and greedy HTTP clients, driven with raw TCP sockets against the real server: tricklers are
 * cut off on every kind of route, silent or dawdling headers time out, one address cannot hold more
 * than its share of connections, and a realistic slow upload still succeeds. Outcomes are asserted
 * (closed, answered), never durations.
 */
import { randomBytes } from 'node:crypto';
import { connect, type Socket } from 'node:net';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { eventually, startTestServer, type TestServer } from '../support/test-app.js';

/** A raw client connection that records what it receives and when it is closed. */
interface RawConnection {
  socket: Socket;
  received(): string;
  closed: Promise<void>;
  isClosed(): boolean;
}

function open(url: string): Promise<RawConnection> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname);
    let text = '';
    let closed = false;
    const done = new Promise<void>((resolveClosed) =>
      socket.once('close', () => {
        closed = true;
        resolveClosed();
      }),
    );
    // A reset from the server is an expected outcome here, not a failure of the test.
    socket.on('error', () => {});
    socket.on('data', (data: Buffer) => (text += data.toString('latin1')));
    socket.once('connect', () => resolve({ socket, received: () => text, closed: done, isClosed: () => closed }));
    socket.once('close', () => reject(new Error('closed before connecting')));
  });
}

/** Writes `text` one byte every `everyMs` until it is all sent or the connection is closed. */
function trickle(connection: RawConnection, text: string, everyMs = 100): void {
  let at = 0;
  const timer = setInterval(() => {
    if (connection.isClosed() || at >= text.length) return clearInterval(timer);
    connection.socket.write(text[at++]!);
  }, everyMs);
}

async function cutOff(connection: RawConnection, what: string): Promise<void> {
  let bound: NodeJS.Timeout | undefined;
  try {
    await Promise.race([connection.closed, new Promise((_, reject) => (bound = setTimeout(() => reject(new Error(`${what} was never cut off`)), 15_000)))]);
  } finally {
    clearTimeout(bound);
  }
}

/** A complete request on a fresh connection, read until the server's answer has a status line. */
async function rawGet(url: string, path: string): Promise<RawConnection> {
  const connection = await open(url);
  connection.socket.write(`GET ${path} HTTP/1.1\r\nHost: parley\r\n\r\n`);
  await eventually(() => connection.received().includes('\r\n\r\n') || connection.isClosed(), `an answer to GET ${path}`);
  return connection;
}

const postHead = (path: string, length: number, headers: Record<string, string> = {}) =>
  `POST ${path} HTTP/1.1\r\nHost: parley\r\nContent-Length: ${length}\r\n${Object.entries(headers)
    .map(([name, value]) => `${name}: ${value}\r\n`)
    .join('')}\r\n`;

// Limits far stricter than the defaults, so the tests are quick and the upload proves headroom.
describe('HTTP slow clients (grace 500 ms, minimum 1000 B/s, headers within 500 ms)', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({
      PARLEY_HTTP_BODY_GRACE_MS: '500',
      PARLEY_HTTP_MIN_BODY_RATE_BPS: '1000',
      PARLEY_HTTP_HEADERS_TIMEOUT_MS: '500',
    });
  });
  afterAll(async () => {
    await server?.app.shutdown();
  });

  /** While `slow` is being held open, a well-behaved client signs in and is answered. */
  async function othersKeepWorking(slow: RawConnection): Promise<void> {
    expect(slow.isClosed()).toBe(false);
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
    expect(await server.token(50, 'bystander')).toMatch(/\./);
  }

  it('cuts off a body trickled to POST /auth/dev-token (unauthenticated) after the grace period', async () => {
    const slow = await open(server.url);
    slow.socket.write(postHead('/auth/dev-token', 10_000, { 'Content-Type': 'application/json' }));
    trickle(slow, `{"userId":1,"name":"${'x'.repeat(9_980)}"}`);
    await othersKeepWorking(slow);
    await cutOff(slow, 'the dev-token trickler');
    expect(slow.received()).not.toMatch(/^HTTP\/1\.1 2/);
  });

  it('cuts off a body trickled to a SockJS xhr_send', async () => {
    const session = `${server.url}/ws/000/slow${process.pid}`;
    expect(await (await fetch(`${session}/xhr`, { method: 'POST' })).text()).toBe('o\n');
    const slow = await open(server.url);
    slow.socket.write(postHead(`/ws/000/slow${process.pid}/xhr_send`, 10_000, { 'Content-Type': 'text/plain;charset=UTF-8' }));
    trickle(slow, `["${'x'.repeat(9_996)}"]`);
    await othersKeepWorking(slow);
    await cutOff(slow, 'the xhr_send trickler');
    expect(slow.received()).not.toMatch(/^HTTP\/1\.1 2/);
  });

  it('cuts off a body trickled to a SignalR long-polling send', async () => {
    const token = await server.token(2, 'longpoll');
    const auth = { authorization: `Bearer ${token}` };
    const { connectionToken } = await (await fetch(`${server.url}/hubs/chat/negotiate?negotiateVersion=1`, { method: 'POST', headers: auth })).json();
    expect((await fetch(`${server.url}/hubs/chat?id=${connectionToken}`, { headers: auth })).status).toBe(200);
    const slow = await open(server.url);
    slow.socket.write(postHead(`/hubs/chat?id=${encodeURIComponent(connectionToken)}`, 10_000, { Authorization: `Bearer ${token}`, 'Content-Type': 'text/plain;charset=UTF-8' }));
    trickle(slow, `{"protocol":"json","version":1}\u001e${' '.repeat(9_967)}`);
    await othersKeepWorking(slow);
    await cutOff(slow, 'the long-polling trickler');
    expect(slow.received()).not.toMatch(/^HTTP\/1\.1 2/);
    await fetch(`${server.url}/hubs/chat?id=${connectionToken}`, { method: 'DELETE', headers: auth });
  });

  it('answers 408 and closes a connection that never sends its headers', async () => {
    const silent = await open(server.url);
    await othersKeepWorking(silent);
    await cutOff(silent, 'the silent connection');
    expect(silent.received()).toMatch(/^(HTTP\/1\.1 408|$)/);
  });

  it('answers 408 and closes a connection that trickles header lines', async () => {
    const slow = await open(server.url);
    slow.socket.write('GET /healthz HTTP/1.1\r\n');
    trickle(slow, 'X-Padding: a\r\n'.repeat(1_000));
    await othersKeepWorking(slow);
    await cutOff(slow, 'the header trickler');
    expect(slow.received()).toMatch(/^(HTTP\/1\.1 408|$)/);
  });

  it('still accepts a 300 KB image sent at 50 KB/s to /media, as from a slow mobile link', async () => {
    const token = await server.token(1, 'mobile');
    const side = 320;
    const image = await sharp(randomBytes(side * side * 3), { raw: { width: side, height: side, channels: 3 } })
      .png()
      .toBuffer();
    expect(image.length).toBeGreaterThan(250_000);
    const boundary = `parley${process.pid}`;
    const body = Buffer.concat([
      Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="photo.png"\r\nContent-Type: image/png\r\n\r\n`),
      image,
      Buffer.from(`\r\n--${boundary}--\r\n`),
    ]);

    const upload = await open(server.url);
    upload.socket.write(postHead('/media', body.length, { Authorization: `Bearer ${token}`, 'Content-Type': `multipart/form-data; boundary=${boundary}` }));
    const chunk = 5_000;
    for (let at = 0; at < body.length && !upload.isClosed(); at += chunk) {
      upload.socket.write(body.subarray(at, at + chunk));
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    await eventually(() => upload.received().includes('\r\n\r\n') || upload.isClosed(), 'the upload answer', 30_000);
    expect(upload.received().slice(0, 300), 'the answer to the upload').toMatch(/^HTTP\/1\.1 201/);
    upload.socket.destroy();
  });
});

describe('HTTP connections per address (cap 3)', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ PARLEY_MAX_CONNECTIONS_PER_ADDRESS: '3' });
  });
  afterAll(async () => {
    await server?.app.shutdown();
  });

  it('refuses connections over the cap, WebSockets included, and accepts again once one closes', async () => {
    const first = await rawGet(server.url, '/healthz');
    const second = await rawGet(server.url, '/healthz');
    for (const connection of [first, second]) expect(connection.received()).toMatch(/^HTTP\/1\.1 200/);
    const webSocket = new WebSocket(`${server.wsUrl}/ws/websocket`, ['v12.stomp']);
    await new Promise((resolve, reject) => webSocket.once('open', resolve).once('error', reject));

    const over = await open(server.url);
    over.socket.write('GET /healthz HTTP/1.1\r\nHost: parley\r\n\r\n');
    await cutOff(over, 'the connection over the cap');
    expect(over.received()).toBe('');
    expect(first.isClosed() || second.isClosed() || webSocket.readyState !== WebSocket.OPEN).toBe(false);

    webSocket.close();
    const again = await eventually(async () => {
      const connection = await rawGet(server.url, '/healthz').catch(() => null);
      if (connection && /^HTTP\/1\.1 200/.test(connection.received())) return connection;
      connection?.socket.destroy();
      return null;
    }, 'a connection once a slot is free');
    for (const connection of [first, second, again]) connection.socket.destroy();
  });
});
