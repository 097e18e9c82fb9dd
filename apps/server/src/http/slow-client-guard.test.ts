import { createServer, request as httpRequest, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { HttpClientLimits } from '../config.js';
import { guardAgainstSlowClients, slowClientServerOptions, type CutOff } from './slow-client-guard.js';

const LIMITS: HttpClientLimits = { minBodyRateBps: 200_000, bodyGraceMs: 200, headersTimeoutMs: 5_000, maxConnectionsPerAddress: 0 };

let server: Server | null = null;
afterEach(async () => {
  server?.closeAllConnections();
  await new Promise((resolve) => server?.close(resolve) ?? resolve(undefined));
  server = null;
});

async function listen(handler: (request: IncomingMessage, response: ServerResponse) => void, cutOffs: CutOff[]): Promise<number> {
  server = createServer(slowClientServerOptions(LIMITS), handler);
  guardAgainstSlowClients(server, LIMITS, (cutOff) => cutOffs.push(cutOff));
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}

function post(port: number, body: Buffer): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const request = httpRequest({ port, host: '127.0.0.1', method: 'POST', path: '/', headers: { 'content-length': body.length } }, (response) => {
      let text = '';
      response.on('data', (chunk: Buffer) => (text += chunk.toString()));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, text }));
    });
    request.on('error', reject);
    request.end(body);
  });
}

describe('guardAgainstSlowClients', () => {
  it('does not count against a fast client the time the server itself is not reading the body', async () => {
    const cutOffs: CutOff[] = [];
    // The route leaves the body unread for 5× the grace period, so the socket stops being read and
    // only the request's own buffer fills: judged on the wire alone, the client would look slow.
    const port = await listen((request, response) => {
      setTimeout(() => {
        let bytes = 0;
        request.on('data', (chunk: Buffer) => (bytes += chunk.length));
        request.on('end', () => response.end(String(bytes)));
      }, 1_000);
    }, cutOffs);
    const body = Buffer.alloc(4 * 1024 * 1024, 1);
    const answer = await post(port, body);
    expect(answer).toEqual({ status: 200, text: String(body.length) });
    expect(cutOffs).toEqual([]);
  });

  it('takes no bytes from the route that reads the body', async () => {
    const port = await listen((request, response) => {
      // The route starts reading only after a turn of the event loop, as Fastify does after its hooks.
      setImmediate(() => {
        const chunks: Buffer[] = [];
        request.on('data', (chunk: Buffer) => chunks.push(chunk));
        request.on('end', () => response.end(Buffer.concat(chunks)));
      });
    }, []);
    const body = Buffer.from('x'.repeat(100_000));
    expect(await post(port, body)).toEqual({ status: 200, text: body.toString() });
  });
});
