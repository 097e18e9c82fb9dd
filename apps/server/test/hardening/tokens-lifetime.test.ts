/**
 * Access tokens must end: a token without `exp` or `iat`, one that lives longer than
 * JWT_MAX_AGE_S, or one issued longer ago than that is refused on every door with UNAUTHORIZED.
 * Development tokens stay inside the cap.
 */
import { Client } from '@stomp/stompjs';
import { decodeJwt, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { startTestServer, type TestServer } from '../support/test-app.js';

const SECRET = 'a-test-secret-that-is-long-enough';
const key = new TextEncoder().encode(SECRET);
const MAX_AGE_S = 3600;
const nowS = () => Math.floor(Date.now() / 1000);

function sign(sub: string, claims: { iat?: number; exp?: number }): Promise<string> {
  const jwt = new SignJWT({}).setProtectedHeader({ alg: 'HS256' }).setSubject(sub);
  if (claims.iat !== undefined) jwt.setIssuedAt(claims.iat);
  if (claims.exp !== undefined) jwt.setExpirationTime(claims.exp);
  return jwt.sign(key);
}

/** Resolves with the STOMP ERROR message of a CONNECT with the token, or 'connected'. */
function stompConnect(server: TestServer, token: string): Promise<string> {
  return new Promise((resolve) => {
    const client = new Client({
      webSocketFactory: () => new WebSocket(`${server.wsUrl}/ws`),
      connectHeaders: { Authorization: `Bearer ${token}` },
      reconnectDelay: 0,
      onConnect: () => void client.deactivate().then(() => resolve('connected')),
      onStompError: (frame) => void client.deactivate().then(() => resolve(frame.headers.message ?? frame.body)),
    });
    client.activate();
  });
}

describe('access token lifetime (JWT_MAX_AGE_S)', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ JWT_SECRET: SECRET, PARLEY_DEV_AUTH: 'true', JWT_MAX_AGE_S: String(MAX_AGE_S) });
  });
  afterAll(async () => {
    await server?.[Symbol.asyncDispose]();
  });

  it('accepts a token with iat and exp within the cap', async () => {
    const token = await sign('61', { iat: nowS(), exp: nowS() + MAX_AGE_S });
    expect((await server.api(token, 'GET', '/users/me')).body.id).toBe(61);
  });

  it.each([
    ['no exp', { iat: nowS() }],
    ['no iat', { exp: nowS() + 60 }],
    ['neither', {}],
    ['a lifetime above the cap', { iat: nowS(), exp: nowS() + MAX_AGE_S + 60 }],
    ['iat older than the cap', { iat: nowS() - MAX_AGE_S - 120, exp: nowS() + 60 }],
    ['iat in the future', { iat: nowS() + 600, exp: nowS() + 1200 }],
  ])('refuses a token with %s on REST and STOMP', async (_what, claims) => {
    const token = await sign('62', claims);
    const rest = await server.api(token, 'GET', '/users/me');
    expect(rest.status).toBe(401);
    expect(rest.body.error.code).toBe('UNAUTHORIZED');
    expect(await stompConnect(server, token)).toMatch(/UNAUTHORIZED|token/i);
  });

  it('refuses it on SignalR negotiate too', async () => {
    const token = await sign('63', { iat: nowS() });
    const response = await fetch(`${server.url}/hubs/chat/negotiate?negotiateVersion=1`, { method: 'POST', headers: { authorization: `Bearer ${token}` } });
    expect(response.status).toBe(401);
    await response.body?.cancel();
  });

  it('issues development tokens that carry iat and exp within the cap, and accepts them', async () => {
    const token = await server.token(64);
    const claims = decodeJwt(token);
    expect(typeof claims.iat).toBe('number');
    expect(typeof claims.exp).toBe('number');
    expect(claims.exp! - claims.iat!).toBeLessThanOrEqual(MAX_AGE_S);
    expect((await server.api(token, 'GET', '/users/me')).body.id).toBe(64);
  });
});
