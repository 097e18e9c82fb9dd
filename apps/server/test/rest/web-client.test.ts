/** The web client's routes: `/config.json`, the frame-ancestors policy, and users' public cards. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.js';
import { startTestServer, type TestServer } from '../support/test-app.js';

let plain: TestServer;
let embedded: TestServer;

beforeAll(async () => {
  plain = await startTestServer({ PARLEY_ADMIN_TOKEN: 'web-client-admin-token' });
  embedded = await startTestServer({ PARLEY_WEB_TOKEN_URL: 'https://app.example.com/parley/token', PARLEY_WEB_FRAME_ANCESTORS: "'self' https://app.example.com https://*.example.org" });
});

afterAll(async () => {
  await plain?.[Symbol.asyncDispose]();
  await embedded?.[Symbol.asyncDispose]();
});

describe('web client settings and headers', () => {
  it('/config.json tells the client how to sign in', async () => {
    expect((await plain.api('', 'GET', '/config.json')).body).toEqual({ devAuth: true, tokenUrl: null, frameAncestors: ["'self'"] });
    const response = await embedded.api('', 'GET', '/config.json');
    expect(response.body).toEqual({ devAuth: true, tokenUrl: 'https://app.example.com/parley/token', frameAncestors: ["'self'", 'https://app.example.com', 'https://*.example.org'] });
    expect(response.headers.get('cache-control')).toBe('no-store');
  });

  it("the web client's page carries the frame-ancestors policy ('self' by default)", async () => {
    expect((await fetch(`${plain.url}/`)).headers.get('content-security-policy')).toBe("frame-ancestors 'self'");
    expect((await fetch(`${embedded.url}/`)).headers.get('content-security-policy')).toBe("frame-ancestors 'self' https://app.example.com https://*.example.org");
  });
});

describe('GET /users/{id}', () => {
  it("answers a user's name and avatar, nothing private", async () => {
    const alice = await plain.token(7101, 'Alice');
    await plain.token(7102, 'Bob');
    await fetch(`${plain.url}/admin/users/7102`, {
      method: 'PUT',
      headers: { authorization: 'Bearer web-client-admin-token', 'content-type': 'application/json' },
      body: JSON.stringify({ wechatId: 'bob_secret', photoUrls: ['https://img.example.com/b.jpg'] }),
    });
    const response = await plain.api(alice, 'GET', '/users/7102');
    expect(response.status).toBe(200);
    expect(response.body).toEqual({ id: 7102, name: 'Bob', avatarUrl: null });
  });

  it('refuses unknown users, bad ids and missing tokens', async () => {
    const alice = await plain.token(7101, 'Alice');
    expect((await plain.api(alice, 'GET', '/users/7999')).body.error.code).toBe('USER_NOT_FOUND');
    expect((await plain.api(alice, 'GET', '/users/0')).status).toBe(400);
    expect((await plain.api('', 'GET', '/users/7102')).status).toBe(401);
  });
});

describe('web client configuration', () => {
  const base = { PARLEY_DATA_DIR: 'memory://' };
  it('accepts URLs and same-origin paths for the token URL', () => {
    expect(loadConfig({ ...base, PARLEY_WEB_TOKEN_URL: '/api/parley-token' }).web.tokenUrl).toBe('/api/parley-token');
    expect(loadConfig({ ...base }).web.tokenUrl).toBeNull();
    for (const bad of ['//evil.example/token', 'ftp://x/y', 'javascript:alert(1)', 'token']) {
      expect(() => loadConfig({ ...base, PARLEY_WEB_TOKEN_URL: bad })).toThrow(ConfigError);
    }
  });

  it('accepts only frame-ancestors sources', () => {
    expect(loadConfig({ ...base, PARLEY_WEB_FRAME_ANCESTORS: "'none'" }).web.frameAncestors).toEqual(["'none'"]);
    expect(loadConfig({ ...base, PARLEY_WEB_FRAME_ANCESTORS: 'https: https://a.example:8443' }).web.frameAncestors).toEqual(['https:', 'https://a.example:8443']);
    for (const bad of ["'self'; script-src *", "'none' https://a.example", 'https://a.example,https://b.example', "'unsafe-inline'"]) {
      expect(() => loadConfig({ ...base, PARLEY_WEB_FRAME_ANCESTORS: bad })).toThrow(ConfigError);
    }
  });
});
