/**
 * Access tokens (the JWT_* settings of README.md): HS256 with JWT_SECRET, the user claim, expired / foreign-signed /
 * malformed tokens → 401; development sign-in only while it is on; the admin API behind
 * PARLEY_ADMIN_TOKEN.
 */
import { generateKeyPair, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../support/test-app.js';
import { BAD_BODY_IDS, BAD_PATH_IDS, expectError, raw } from './rest-helpers.js';

const SECRET = 'a-test-secret-that-is-long-enough';
const key = new TextEncoder().encode(SECRET);

function sign(claims: Record<string, unknown>, options: { secret?: Uint8Array; expiresIn?: string | number } = {}): Promise<string> {
  const jwt = new SignJWT(claims).setProtectedHeader({ alg: 'HS256' }).setIssuedAt();
  // Tokens without exp are refused: every token here gets one.
  jwt.setExpirationTime(options.expiresIn ?? '1h');
  return jwt.sign(options.secret ?? key);
}

describe('JWT_SECRET (HS256) tokens', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ JWT_SECRET: SECRET, PARLEY_DEV_AUTH: '' });
  });
  afterAll(async () => {
    await server?.[Symbol.asyncDispose]();
  });

  it('accepts a token whose sub is the user id, creating the user and taking name and avatar claims', async () => {
    const token = await sign({ sub: '41', name: 'Alice', avatar: 'https://cdn.example.com/a.png' }, { expiresIn: '1h' });
    const me = await server.api(token, 'GET', '/users/me');
    expect(me.status).toBe(200);
    expect(me.body).toMatchObject({ id: 41, name: 'Alice', avatarUrl: 'https://cdn.example.com/a.png', wechatId: null, photoUrls: [] });
    // A later token with another name refreshes the profile.
    const renamed = await sign({ sub: '41', name: 'Alicia' });
    expect((await server.api(renamed, 'GET', '/users/me')).body.name).toBe('Alicia');
  });

  it('takes a numeric sub, and the UserId claim when sub is absent', async () => {
    expect((await server.api(await sign({ sub: 42 } as never), 'GET', '/users/me')).body.id).toBe(42);
    expect((await server.api(await sign({ UserId: '43' }), 'GET', '/users/me')).body.id).toBe(43);
  });

  it('answers 401 UNAUTHORIZED for expired, foreign-signed, unsigned and malformed tokens, and for bad user ids', async () => {
    const other = new TextEncoder().encode('another-secret-of-enough-length');
    const { privateKey } = await generateKeyPair('RS256');
    const rsa = await new SignJWT({ sub: '44' }).setProtectedHeader({ alg: 'RS256' }).sign(privateKey);
    const unsigned = `${Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url')}.${Buffer.from(JSON.stringify({ sub: '44' })).toString('base64url')}.`;
    const tokens: [string, string][] = [
      ['expired', await sign({ sub: '44' }, { expiresIn: Math.floor(Date.now() / 1000) - 60 })],
      ['foreign HS256 secret', await sign({ sub: '44' }, { secret: other })],
      ['RS256 with no JWKS configured', rsa],
      ['alg none', unsigned],
      ['garbage', 'abc.def.ghi'],
      ['no user claim', await sign({ name: 'x' })],
      ['sub not a number', await sign({ sub: 'alice' })],
      ['sub zero', await sign({ sub: '0' })],
      ['sub negative', await sign({ sub: '-4' })],
      ['sub beyond 2^53', await sign({ sub: '9223372036854775808' })],
      ['sub SQL', await sign({ sub: "1 OR 1=1" })],
    ];
    for (const [what, token] of tokens) {
      const response = await server.api(token, 'GET', '/users/me');
      expect(response.status, what).toBe(401);
      expect(response.body.error.code, what).toBe('UNAUTHORIZED');
    }
    const expired = await server.api(tokens[0]![1], 'GET', '/sync');
    expect(expired.body.error.message).toMatch(/expired/);
    // None of them created a user: user 44 is still unknown to a valid sender.
    const valid = await sign({ sub: '48' });
    expectError(await server.api(valid, 'POST', '/messages', { receiverId: 44, messageType: 'TEXT', content: 'x', clientMsgId: 'c' }), 404, 'USER_NOT_FOUND');
  });

  it('answers 404 on POST /auth/dev-token while development sign-in is off', async () => {
    const response = await server.api('', 'POST', '/auth/dev-token', { userId: 7 });
    expectError(response, 404, 'NOT_FOUND');
    expect((await server.api('', 'GET', '/auth/config')).body).toEqual({ devAuth: false });
  });

  it('honours JWT_USER_CLAIM', async () => {
    await using custom = await startTestServer({ JWT_SECRET: SECRET, JWT_USER_CLAIM: 'uid', PARLEY_DEV_AUTH: 'off' });
    expect((await custom.api(await sign({ uid: '45', sub: '46' }), 'GET', '/users/me')).body.id).toBe(45);
    // The named claim absent: UserId is accepted.
    expect((await custom.api(await sign({ UserId: 47, sub: '46' }), 'GET', '/users/me')).body.id).toBe(47);
  });
});

describe('development sign-in', () => {
  it('issues working tokens and validates its body', async () => {
    await using server = await startTestServer();
    expect((await server.api('', 'GET', '/auth/config')).body).toEqual({ devAuth: true });
    const issued = await server.api('', 'POST', '/auth/dev-token', { userId: 7, name: 'Alice' });
    expect(issued.status).toBe(200);
    expect((await server.api(issued.body.token, 'GET', '/users/me')).body).toMatchObject({ id: 7, name: 'Alice' });
    for (const userId of BAD_BODY_IDS) expectError(await server.api('', 'POST', '/auth/dev-token', { userId }), 400, 'VALIDATION_FAILED');
    expectError(await server.api('', 'POST', '/auth/dev-token', { userId: 8, name: '' }), 400, 'VALIDATION_FAILED');
    expectError(await server.api('', 'POST', '/auth/dev-token', { userId: 8, name: 'x'.repeat(65) }), 400, 'VALIDATION_FAILED');
    expectError(await raw(server, 'POST', '/auth/dev-token', { body: '{"userId":', contentType: 'application/json' }), 400, 'VALIDATION_FAILED');
    // A token of another server (another dev secret) is foreign here.
    await using other = await startTestServer();
    expectError(await server.api(await other.token(7), 'GET', '/users/me'), 401, 'UNAUTHORIZED');
  });
});

describe('admin API', () => {
  const ADMIN = 'the-admin-token';

  it('does not exist without PARLEY_ADMIN_TOKEN', async () => {
    await using server = await startTestServer();
    expectError(await raw(server, 'GET', '/admin/users/1', { token: ADMIN }), 404, 'NOT_FOUND');
    expectError(await raw(server, 'PUT', '/admin/users/1', { token: ADMIN, body: '{"name":"x"}', contentType: 'application/json' }), 404, 'NOT_FOUND');
  });

  it('upserts and reads profiles (private fields included) with the admin token only', async () => {
    await using server = await startTestServer({ PARLEY_ADMIN_TOKEN: ADMIN });
    const put = (id: string | number, body: unknown, token: string | null = ADMIN) =>
      raw(server, 'PUT', `/admin/users/${id}`, { ...(token ? { token } : {}), body: JSON.stringify(body), contentType: 'application/json' });

    const created = await put(9, { name: 'Bob', avatarUrl: null, wechatId: 'wx-bob', photoUrls: ['https://cdn.example.com/p1.jpg'] });
    expect(created.status).toBe(200);
    expect(created.body).toMatchObject({ id: 9, name: 'Bob', avatarUrl: null, wechatId: 'wx-bob', photoUrls: ['https://cdn.example.com/p1.jpg'] });
    expect((await put(9, { name: "Robert'); DROP TABLE users; --" })).body).toMatchObject({ name: "Robert'); DROP TABLE users; --", wechatId: 'wx-bob' });
    const read = await raw(server, 'GET', '/admin/users/9', { token: ADMIN });
    expect(read.body).toMatchObject({ id: 9, name: "Robert'); DROP TABLE users; --", wechatId: 'wx-bob', photoUrls: ['https://cdn.example.com/p1.jpg'] });
    expectError(await raw(server, 'GET', '/admin/users/90000007', { token: ADMIN }), 404, 'USER_NOT_FOUND');

    // Wrong or missing admin token, or a user's token: 401, and nothing changes.
    const userToken = await server.token(10);
    for (const token of [null, 'wrong', `${ADMIN}x`, userToken]) {
      expectError(await put(9, { wechatId: 'stolen' }, token), 401, 'UNAUTHORIZED');
      expectError(await raw(server, 'GET', '/admin/users/9', token ? { token } : {}), 401, 'UNAUTHORIZED');
    }
    expectError(await raw(server, 'PUT', '/admin/users/9', { body: '{not json', contentType: 'application/json' }), 401, 'UNAUTHORIZED');
    expect((await raw(server, 'GET', '/admin/users/9', { token: ADMIN })).body.wechatId).toBe('wx-bob');

    for (const id of BAD_PATH_IDS) expectError(await raw(server, 'GET', `/admin/users/${id}`, { token: ADMIN }), 400, 'VALIDATION_FAILED');
    for (const body of [{ name: 5 }, { wechatId: '' }, { photoUrls: 'x' }, { photoUrls: Array(21).fill('/p.jpg') }, { name: 'x'.repeat(65) }, { wechatId: 'a\u0000b' }]) {
      expectError(await put(9, body), 400, 'VALIDATION_FAILED');
    }
    expectError(await raw(server, 'PUT', '/admin/users/9', { token: ADMIN, body: '{"name":', contentType: 'application/json' }), 400, 'VALIDATION_FAILED');
    expect((await raw(server, 'GET', '/admin/users/9', { token: ADMIN })).body.wechatId).toBe('wx-bob');
  });
});
