import { request as httpRequest } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { eventually, startTestServer, type TestServer } from '../support/test-app.js';

/** SockJS wire conformance of the `/ws` prefix with raw HTTP and ws. */
let server: TestServer;
let token: string;
let nextSession = 0;
const sessionUrl = () => `${server.url}/ws/000/s${process.pid}x${nextSession++}`;
const CONNECT = (t: string) => `CONNECT\naccept-version:1.2\nheart-beat:0,0\nAuthorization:Bearer ${t}\n\n\0`;

beforeAll(async () => {
  server = await startTestServer({ PARLEY_SOCKJS_HEARTBEAT_MS: '300', PARLEY_SOCKJS_DISCONNECT_MS: '400', PARLEY_STOMP_HEARTBEAT_MS: '200' });
  token = await server.token(1, 'sockjs');
});
afterAll(async () => {
  await server?.app.shutdown();
});

const post = (url: string, body?: string, headers: Record<string, string> = {}) =>
  fetch(url, { method: 'POST', headers: { 'content-type': 'text/plain;charset=UTF-8', ...headers }, ...(body !== undefined ? { body } : {}) });
const xhrSend = (url: string, messages: unknown) => post(`${url}/xhr_send`, JSON.stringify(messages));
const poll = async (url: string) => (await post(`${url}/xhr`)).text();

/** Reads a streaming response until `done` holds for the text so far, then aborts it. */
function stream(url: string, method: 'GET' | 'POST', done: (text: string) => boolean): Promise<{ text: string; headers: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { method }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        text += chunk;
        if (done(text)) {
          resolve({ text, headers: res.headers });
          req.destroy();
        }
      });
      res.on('end', () => resolve({ text, headers: res.headers }));
    });
    req.on('error', (error) => (error.message.includes('aborted') ? undefined : reject(error)));
    req.end();
  });
}

describe('SockJS HTTP', () => {
  it('GET /ws answers the welcome page', async () => {
    const response = await fetch(`${server.url}/ws`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/plain; charset=UTF-8');
    expect(await response.text()).toBe('Welcome to SockJS!\n');
  });

  it('GET /ws/info answers JSON, no-cache, with CORS for the origin; OPTIONS is a preflight', async () => {
    const response = await fetch(`${server.url}/ws/info?t=1`, { headers: { origin: 'https://app.example' } });
    expect(response.headers.get('content-type')).toBe('application/json; charset=UTF-8');
    expect(response.headers.get('cache-control')).toMatch(/no-cache/);
    expect(response.headers.get('access-control-allow-origin')).toBe('https://app.example');
    expect(response.headers.get('access-control-allow-credentials')).toBe('true');
    expect(await response.json()).toEqual({ websocket: true, origins: ['*:*'], cookie_needed: false, entropy: expect.any(Number) });
    const preflight = await fetch(`${server.url}/ws/info`, { method: 'OPTIONS', headers: { origin: 'https://app.example', 'access-control-request-headers': 'x-a' } });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-headers')).toBe('x-a');
    expect(preflight.headers.get('access-control-max-age')).toBe('31536000');
  });

  it('OPTIONS on xhr and xhr_send allows POST', async () => {
    for (const suffix of ['xhr', 'xhr_send', 'xhr_streaming']) {
      const response = await fetch(`${sessionUrl()}/${suffix}`, { method: 'OPTIONS', headers: { origin: 'http://x' } });
      expect(response.status).toBe(204);
      expect(response.headers.get('access-control-allow-methods')).toBe('OPTIONS, POST');
    }
  });

  it('xhr polling: o, then xhr_send 204, then the queued frames as one a[...]', async () => {
    const url = sessionUrl();
    const first = await post(`${url}/xhr`);
    expect(first.headers.get('content-type')).toBe('application/javascript; charset=UTF-8');
    expect(await first.text()).toBe('o\n');
    const sent = await xhrSend(url, [CONNECT(token), 'SUBSCRIBE\nid:0\ndestination:/user/queue/messages\nreceipt:r\n\n\0']);
    expect(sent.status).toBe(204);
    const frames = await eventually(async () => {
      const text = await poll(url);
      return text.startsWith('a') ? (JSON.parse(text.slice(1)) as string[]) : null;
    }, 'queued frames');
    const all = frames.length === 2 ? frames : [...frames, ...(JSON.parse((await poll(url)).slice(1)) as string[])];
    expect(all[0]).toMatch(/^CONNECTED\n/);
    expect(all[1]).toMatch(/^RECEIPT\nreceipt-id:r\n/);
  });

  it('xhr_send answers 404 for an unknown session and 500 for a bad payload', async () => {
    expect((await xhrSend(sessionUrl(), ['x'])).status).toBe(404);
    const url = sessionUrl();
    await poll(url);
    const empty = await post(`${url}/xhr_send`);
    expect([empty.status, await empty.text()]).toEqual([500, 'Payload expected.']);
    const broken = await post(`${url}/xhr_send`, '["a"');
    expect([broken.status, await broken.text()]).toEqual([500, 'Broken JSON encoding.']);
    expect((await xhrSend(url, [])).status).toBe(204);
  });

  it('a second concurrent receiver gets c[2010,"Another connection still open"]', async () => {
    const url = sessionUrl();
    await poll(url);
    const pending = post(`${url}/xhr`);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(await poll(url)).toBe('c[2010,"Another connection still open"]\n');
    expect(await (await pending).text()).toBe('h\n');
  });

  it('a session expires after the disconnect delay without a receiver, then answers 404', async () => {
    const url = sessionUrl();
    await poll(url);
    await xhrSend(url, [CONNECT(token)]);
    await eventually(() => server.app.registry.sessionsOf(1).size > 0, 'the STOMP session');
    await new Promise((resolve) => setTimeout(resolve, 800));
    expect((await xhrSend(url, ['\n'])).status).toBe(404);
    expect(server.app.registry.sessionsOf(1).size).toBe(0);
  });

  it('xhr-streaming sends a 2 KiB h prelude, o, heart-beats and frames; STOMP beats travel as a["\\n"]', async () => {
    const url = sessionUrl();
    const reading = stream(`${url}/xhr_streaming`, 'POST', (text) => text.includes('CONNECTED') && text.includes('a["\\n"]'));
    await new Promise((resolve) => setTimeout(resolve, 100));
    await xhrSend(url, [`CONNECT\naccept-version:1.2\nheart-beat:0,100\nAuthorization:Bearer ${token}\n\n\0`]);
    const { text, headers } = await reading;
    expect(headers['content-type']).toBe('application/javascript; charset=UTF-8');
    expect(text.startsWith('h'.repeat(2048) + '\no\n')).toBe(true);
  });

  it('eventsource sends a CRLF prelude, then data: lines', async () => {
    const url = sessionUrl();
    const { text, headers } = await stream(`${url}/eventsource`, 'GET', (t) => t.includes('data: h'));
    expect(headers['content-type']).toBe('text/event-stream; charset=UTF-8');
    expect(text).toBe('\r\ndata: o\r\n\r\ndata: h\r\n\r\n');
  });
});

describe('SockJS websocket', () => {
  async function open(): Promise<{ socket: WebSocket; frames: string[] }> {
    const socket = new WebSocket(`${server.wsUrl}/ws/000/w${nextSession++}/websocket`);
    const frames: string[] = [];
    socket.on('message', (data) => frames.push(data.toString()));
    await new Promise((resolve) => socket.once('open', resolve));
    return { socket, frames };
  }

  it('frames o, a[...] and, after DISCONNECT, c[3000,"Go away!"]', async () => {
    const { socket, frames } = await open();
    socket.send(JSON.stringify([CONNECT(token)]));
    await eventually(() => frames.some((f) => f.startsWith('a["CONNECTED')), 'CONNECTED');
    socket.send(JSON.stringify('DISCONNECT\nreceipt:bye\n\n\0'));
    const code = await new Promise((resolve) => socket.once('close', resolve));
    expect(frames[0]).toBe('o');
    expect(frames.at(-2)).toMatch(/^a\["RECEIPT\\nreceipt-id:bye/);
    expect(frames.at(-1)).toBe('c[3000,"Go away!"]');
    expect(code).toBe(1000);
  });

  it('sends h while idle and closes the session on broken JSON', async () => {
    const { socket, frames } = await open();
    await eventually(() => frames.includes('h'), 'a SockJS heartbeat');
    socket.send('[broken');
    await new Promise((resolve) => socket.once('close', resolve));
    expect(frames.at(-1)).toBe('c[3000,"Broken framing."]');
  });
});

describe('SockJS websocket robustness', () => {
  it('a message over the WebSocket size cap ends only that session; the server keeps running', async () => {
    const socket = new WebSocket(`${server.wsUrl}/ws/000/big${nextSession++}/websocket`);
    await new Promise((resolve) => socket.once('open', resolve));
    socket.send(JSON.stringify(['x'.repeat(300 * 1024)]));
    expect(await new Promise((resolve) => socket.once('close', resolve))).toBe(1009);
    const welcome = await fetch(`${server.url}/ws`);
    expect(welcome.status).toBe(200);
  });
});
