/**
 * The synchronous HS256 check must accept and refuse exactly the tokens jose's `jwtVerify` does
 * with the same options, and fail with the same error class and message.
 */
import { jwtVerify, SignJWT, type JWTPayload } from 'jose';
import { describe, expect, it } from 'vitest';
import { Hs256Verifier, type Hs256Checks } from './hs256-verify.js';

const secret = new TextEncoder().encode('a-test-secret-that-is-long-enough');
const otherSecret = new TextEncoder().encode('another-secret-of-the-same-length!');
const now = Math.floor(Date.now() / 1000);
const base: Hs256Checks = { maxTokenAge: 3600, clockTolerance: 30 };

function sign(claims: JWTPayload, header: Record<string, unknown> = { alg: 'HS256' }, key = secret): Promise<string> {
  return new SignJWT(claims).setProtectedHeader(header as { alg: string }).sign(key);
}

async function outcome(run: () => unknown): Promise<string> {
  try {
    await run();
    return 'accepted';
  } catch (error) {
    return `${(error as Error).constructor.name}: ${(error as Error).message}`;
  }
}

async function joseOutcome(token: string, checks: Hs256Checks): Promise<string> {
  return outcome(() =>
    jwtVerify(token, secret, {
      algorithms: ['HS256'],
      requiredClaims: ['exp', 'iat'],
      maxTokenAge: checks.maxTokenAge,
      clockTolerance: checks.clockTolerance,
      ...(checks.issuer ? { issuer: checks.issuer } : {}),
      ...(checks.audience ? { audience: checks.audience } : {}),
    }),
  );
}

/** Signs what SignJWT refuses to produce (unknown critical headers). */
async function handSigned(header: Record<string, unknown>, claims: JWTPayload): Promise<string> {
  const { createHmac } = await import('node:crypto');
  const input = `${Buffer.from(JSON.stringify(header)).toString('base64url')}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}`;
  return `${input}.${createHmac('sha256', secret).update(input).digest('base64url')}`;
}

describe('Hs256Verifier', () => {
  const verifier = new Hs256Verifier(secret);
  const good = { sub: '7', iat: now, exp: now + 600 };

  it.each<[string, JWTPayload, Hs256Checks?]>([
    ['a valid token', good],
    ['no exp', { sub: '7', iat: now }],
    ['no iat', { sub: '7', exp: now + 600 }],
    ['exp passed beyond the tolerance', { iat: now - 100, exp: now - 31 }],
    ['exp passed within the tolerance', { iat: now - 100, exp: now - 10 }],
    ['iat older than the maximum age', { iat: now - 3700, exp: now + 60 }],
    ['iat in the future', { iat: now + 120, exp: now + 600 }],
    ['nbf not reached', { ...good, nbf: now + 120 }],
    ['nbf reached', { ...good, nbf: now - 1 }],
    ['a string exp', { iat: now, exp: String(now + 600) as unknown as number }],
    ['the configured issuer', { ...good, iss: 'host' }, { ...base, issuer: 'host' }],
    ['another issuer', { ...good, iss: 'elsewhere' }, { ...base, issuer: 'host' }],
    ['a missing issuer', good, { ...base, issuer: 'host' }],
    ['the configured audience in a list', { ...good, aud: ['a', 'parley'] }, { ...base, audience: 'parley' }],
    ['another audience', { ...good, aud: 'other' }, { ...base, audience: 'parley' }],
    ['a missing audience', good, { ...base, audience: 'parley' }],
  ])('treats %s as jose does', async (_what, claims, checks = base) => {
    const token = await sign(claims);
    const ours = await outcome(() => verifier.verify(token, checks));
    expect(ours).toBe(await joseOutcome(token, checks));
  });

  it('returns the claims of a valid token', async () => {
    const token = await sign({ ...good, name: 'Ann' });
    expect(verifier.verify(token, base)).toMatchObject({ sub: '7', name: 'Ann' });
  });

  it.each<[string, () => Promise<string>]>([
    ['a signature by another key', () => sign(good, undefined, otherSecret)],
    ['another algorithm', () => sign(good, { alg: 'HS512' })],
    ['a critical header', () => handSigned({ alg: 'HS256', crit: ['exp'], exp: 1 }, good)],
    ['a tampered payload', async () => {
      const [h, , s] = (await sign(good)).split('.');
      return `${h}.${Buffer.from(JSON.stringify({ ...good, sub: '8' })).toString('base64url')}.${s}`;
    }],
    ['two parts', async () => (await sign(good)).split('.').slice(0, 2).join('.')],
    ['an alg none token', async () => `${Buffer.from('{"alg":"none"}').toString('base64url')}.${Buffer.from(JSON.stringify(good)).toString('base64url')}.`],
  ])('refuses %s, as jose does', async (_what, make) => {
    const token = await make();
    expect(await outcome(() => verifier.verify(token, base))).not.toBe('accepted');
    expect(await joseOutcome(token, base)).not.toBe('accepted');
  });

  // Stricter than jose, which decodes a padded signature leniently: no conforming signer pads.
  it('refuses a signature with base64 padding', async () => {
    expect(await outcome(async () => verifier.verify(`${await sign(good)}=`, base))).not.toBe('accepted');
  });
});
