import { describe, expect, it } from 'vitest';
import { RawHub, RS, startSignalRServer } from '../support/signalr-client.js';

/** Negotiate and the HTTP transports on the wire (negotiate, transports, status codes). */
describe('SignalR negotiate and HTTP transports', () => {
  it('negotiates version 1 with a distinct token, version 0 without one, and 401 without a valid token', async () => {
    await using server = await startSignalRServer();
    const token = await server.token(7);
    const post = (query: string, headers: Record<string, string> = { authorization: `Bearer ${token}` }) =>
      fetch(`${server.url}/hubs/chat/negotiate${query}`, { method: 'POST', headers });

    const v1 = await post('?negotiateVersion=1');
    expect(v1.status).toBe(200);
    const body = await v1.json();
    expect(body).toMatchObject({ negotiateVersion: 1, availableTransports: expect.any(Array) });
    expect(body.availableTransports.map((t: any) => t.transport)).toEqual(['WebSockets', 'ServerSentEvents', 'LongPolling']);
    expect(body.connectionId).not.toBe(body.connectionToken);
    expect(encodeURIComponent(body.connectionToken)).toBe(body.connectionToken);
    expect(body).not.toHaveProperty('useStatefulReconnect');

    const stateful = await (await post('?negotiateVersion=1&useStatefulReconnect=true')).json();
    expect(stateful.useStatefulReconnect).toBe(true);
    const v2 = await (await post('?negotiateVersion=2')).json();
    expect(v2.negotiateVersion).toBe(1);

    const v0 = await (await post('')).json();
    expect(v0).not.toHaveProperty('connectionToken');
    expect(v0).not.toHaveProperty('negotiateVersion');
    expect(typeof v0.connectionId).toBe('string');

    const viaQuery = await post(`?negotiateVersion=1&access_token=${encodeURIComponent(token)}`, {});
    expect(viaQuery.status).toBe(200);
    expect((await post('?negotiateVersion=1', {})).status).toBe(401);
    expect((await post('?negotiateVersion=1', { authorization: 'Bearer nope' })).status).toBe(401);

    const preflight = await fetch(`${server.url}/hubs/chat/negotiate`, {
      method: 'OPTIONS',
      headers: { origin: 'https://app.example', 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization,x-requested-with' },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-origin')).toBe('https://app.example');
    expect(preflight.headers.get('access-control-allow-credentials')).toBe('true');
    const cors = await post('?negotiateVersion=1', { authorization: `Bearer ${token}`, origin: 'https://app.example' });
    expect(cors.headers.get('access-control-allow-origin')).toBe('https://app.example');
  });

  it('long polling: first poll at once, idle poll 200 empty, concurrent poll 409, DELETE 202 with the pending poll 204, then 404', async () => {
    await using server = await startSignalRServer({}, { longPollTimeoutMs: 300 });
    const token = await server.token(7);
    const auth = { authorization: `Bearer ${token}` };
    const { connectionToken } = await (await fetch(`${server.url}/hubs/chat/negotiate?negotiateVersion=1`, { method: 'POST', headers: auth })).json();
    const at = `${server.url}/hubs/chat?id=${connectionToken}`;

    expect((await fetch(`${server.url}/hubs/chat`, { headers: auth })).status).toBe(400);
    const first = await fetch(at, { headers: auth });
    expect(first.status).toBe(200);
    expect(await first.text()).toBe('');

    const handshake = await fetch(at, { method: 'POST', headers: auth, body: `{"protocol":"json","version":1}${RS}` });
    expect(handshake.status).toBe(200);
    expect(await (await fetch(at, { headers: auth })).text()).toBe(`{}${RS}`);

    const started = Date.now();
    const idle = await fetch(at, { headers: auth });
    expect(idle.status).toBe(200);
    expect(await idle.text()).toBe('');
    expect(Date.now() - started).toBeGreaterThanOrEqual(250);

    // two records in one POST, both handled: the completions come in one poll
    const twoCalls = `{"type":1,"invocationId":"1","target":"Nope","arguments":[]}${RS}{"type":1,"invocationId":"2","target":"NOPE","arguments":[]}${RS}`;
    expect((await fetch(at, { method: 'POST', headers: auth, body: twoCalls })).status).toBe(200);
    const completions = (await (await fetch(at, { headers: auth })).text()).split(RS).filter(Boolean).map((r) => JSON.parse(r));
    expect(completions.map((c) => c.invocationId)).toEqual(['1', '2']);

    const pending = fetch(at, { headers: auth });
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect((await fetch(at, { headers: auth })).status).toBe(409);
    const deleted = await fetch(at, { method: 'DELETE', headers: auth });
    expect(deleted.status).toBe(202);
    expect((await pending).status).toBe(204);
    expect((await fetch(at, { method: 'POST', headers: auth, body: `{"type":7}${RS}` })).status).toBe(404);
    expect((await fetch(`${server.url}/hubs/chat?id=unknown`, { headers: auth })).status).toBe(404);
  });

  it('answers 409 to concurrent POSTs, 403 to another user and 401 without a token', async () => {
    await using server = await startSignalRServer();
    const [token, other] = await Promise.all([server.token(7), server.token(9)]);
    const auth = { authorization: `Bearer ${token}` };
    const { connectionToken } = await (await fetch(`${server.url}/hubs/chat/negotiate?negotiateVersion=1`, { method: 'POST', headers: auth })).json();
    const at = `${server.url}/hubs/chat?id=${connectionToken}`;
    await fetch(at, { headers: auth });
    expect((await fetch(at, { headers: { authorization: `Bearer ${other}` } })).status).toBe(403);
    expect((await fetch(at, { method: 'POST', body: `{"protocol":"json","version":1}${RS}` })).status).toBe(401);

    // a POST whose body is still arriving holds the connection; a second one gets 409
    const { request } = await import('node:http');
    const url = new URL(at);
    const slow = request({ method: 'POST', host: url.hostname, port: url.port, path: url.pathname + url.search, headers: { ...auth, 'content-type': 'text/plain' } });
    slow.write('{"protocol":"json",');
    const slowDone = new Promise<number>((resolve) => slow.on('response', (res) => resolve(res.statusCode!)));
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect((await fetch(at, { method: 'POST', headers: auth, body: `{"type":6}${RS}` })).status).toBe(409);
    slow.end(`"version":1}${RS}`);
    expect(await slowDone).toBe(200);
  });

  it('WebSocket: a second socket on a live id gets 409, a POST 405, an expired or unknown id 404', async () => {
    await using server = await startSignalRServer({}, { unusedTokenTtlMs: 300 });
    const token = await server.token(7);
    const auth = { authorization: `Bearer ${token}` };
    const negotiate = async () => (await (await fetch(`${server.url}/hubs/chat/negotiate?negotiateVersion=1`, { method: 'POST', headers: auth })).json()).connectionToken as string;
    const id = await negotiate();
    const wsAt = (id: string) => `${server.wsUrl}/hubs/chat?id=${id}&access_token=${encodeURIComponent(token)}`;
    await using first = await RawHub.open(wsAt(id));
    first.send({ protocol: 'json', version: 1 });
    await first.next((r) => Object.keys(r).length === 0);
    await expect(RawHub.open(wsAt(id))).rejects.toThrow('HTTP 409');
    expect((await fetch(`${server.url}/hubs/chat?id=${id}`, { method: 'POST', headers: auth, body: `{"type":6}${RS}` })).status).toBe(405);

    const expired = await negotiate();
    await new Promise((resolve) => setTimeout(resolve, 400));
    await expect(RawHub.open(wsAt(expired))).rejects.toThrow('HTTP 404');
    await expect(RawHub.open(wsAt('c1.7.forged'))).rejects.toThrow('HTTP 404');
    await expect(RawHub.open(`${server.wsUrl}/hubs/chat?id=${await negotiate()}`)).rejects.toThrow('HTTP 401');
    await expect(RawHub.open(`${server.wsUrl}/hubs/chat?access_token=bad`)).rejects.toThrow('HTTP 401');

    // once the connection ended, its token opens nothing
    await first[Symbol.asyncDispose]();
    await first.closed();
    await expect(RawHub.open(wsAt(id))).rejects.toThrow('HTTP 404');
  });

  it('SSE: 200 text/event-stream flushed at once; no token 401', async () => {
    await using server = await startSignalRServer();
    const token = await server.token(7);
    const { connectionToken } = await (await fetch(`${server.url}/hubs/chat/negotiate?negotiateVersion=1`, { method: 'POST', headers: { authorization: `Bearer ${token}` } })).json();
    expect((await fetch(`${server.url}/hubs/chat?id=${connectionToken}`, { headers: { accept: 'text/event-stream' } })).status).toBe(401);
    const controller = new AbortController();
    const response = await fetch(`${server.url}/hubs/chat?id=${connectionToken}&access_token=${encodeURIComponent(token)}`, {
      headers: { accept: 'text/event-stream' },
      signal: controller.signal,
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/event-stream');
    expect(response.headers.get('cache-control')).toBe('no-cache');
    const reader = response.body!.getReader();
    expect(new TextDecoder().decode((await reader.read()).value)).toBe(':\r\n');
    await fetch(`${server.url}/hubs/chat?id=${connectionToken}`, { method: 'POST', headers: { authorization: `Bearer ${token}` }, body: `{"protocol":"json","version":1}${RS}` });
    expect(new TextDecoder().decode((await reader.read()).value)).toBe(`data: {}${RS}\r\n\r\n`);
    controller.abort();
  });
});
