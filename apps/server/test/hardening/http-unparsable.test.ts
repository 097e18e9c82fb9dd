/**
 * Requests that Node's HTTP parser refuses before any route runs still answer with the coded
 * error body every other refusal has.
 */
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../support/test-app.js';

function rawRequest(url: string, request: string): Promise<string> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname, () => socket.write(request));
    let answer = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => (answer += chunk));
    socket.on('end', () => resolve(answer));
    socket.on('error', reject);
  });
}

describe('requests the HTTP parser refuses', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(async () => {
    await server?.app.shutdown();
  });

  it('answers headers over 16 KiB with 431 and PAYLOAD_TOO_LARGE in the usual body', async () => {
    const response = await fetch(`${server.url}/messages/history/1?x=${'a'.repeat(20 * 1024)}`);
    expect(response.status).toBe(431);
    expect(await response.json()).toEqual({ error: { code: 'PAYLOAD_TOO_LARGE', message: expect.any(String) } });
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
  });

  it.each([
    ['a path parameter over the router limit', `/blocks/6${'%5B'.repeat(300)}`],
    ['a broken escape in the path', '/messages/history/%E0%A4%A'],
  ])('answers %s with 400 and VALIDATION_FAILED in the usual body', async (_case, path) => {
    const response = await fetch(`${server.url}${path}`, { method: 'DELETE' });
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({ error: { code: 'VALIDATION_FAILED', message: expect.any(String) } });
  });

  it('answers a broken request line with 400 and VALIDATION_FAILED in the usual body', async () => {
    const answer = await rawRequest(server.url, 'GET /healthz HTTP/1.1 extra\r\nHost: x\r\n\r\n');
    expect(answer).toMatch(/^HTTP\/1\.1 400 /);
    const body = JSON.parse(answer.slice(answer.indexOf('\r\n\r\n') + 4)) as unknown;
    expect(body).toEqual({ error: { code: 'VALIDATION_FAILED', message: 'malformed HTTP request' } });
  });
});
