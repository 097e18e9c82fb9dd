import { createHmac, createSecretKey, timingSafeEqual, type KeyObject } from 'node:crypto';
import { errors as joseErrors, type JWTPayload } from 'jose';

export interface Hs256Checks {
  /** Longest accepted age `now − iat`, in seconds; `iat` and `exp` are required. */
  maxTokenAge: number;
  /** Slack for clocks that differ, in seconds, applied to `exp`, `nbf` and `iat`. */
  clockTolerance: number;
  issuer?: string;
  audience?: string;
}

const BASE64URL = /^[A-Za-z0-9_-]*$/;
/** An HMAC-SHA256 is 32 bytes: 43 base64url characters without padding. */
const SIGNATURE_CHARS = 43;

/**
 * HS256 verification as one synchronous HMAC. `jose` checks the same things, but only through an
 * asynchronous WebCrypto job per token, which a storm of connections pays thousands of times a
 * second. The checks and their failures are jose's own (same error classes and messages), so a
 * token is accepted or refused as before (only a padded signature, which no conforming signer
 * writes, is now refused): compact form with strict base64url, an HS256
 * header without `crit` or unencoded payloads, a signature compared in constant time, then the
 * claims — `exp` and `iat` present and numeric, `exp` not passed, `nbf` reached, `iat` neither
 * older than the maximum age nor in the future, and `iss`/`aud` when configured.
 */
export class Hs256Verifier {
  private readonly key: KeyObject;

  constructor(secret: Uint8Array) {
    this.key = createSecretKey(secret);
  }

  verify(token: string, checks: Hs256Checks, nowS = Math.floor(Date.now() / 1000)): JWTPayload {
    const parts = token.split('.');
    if (parts.length !== 3) throw new joseErrors.JWSInvalid('Invalid Compact JWS');
    const [headerPart, payloadPart, signaturePart] = parts as [string, string, string];
    if (!BASE64URL.test(headerPart) || !BASE64URL.test(payloadPart) || !BASE64URL.test(signaturePart)) {
      throw new joseErrors.JWSInvalid('Invalid Compact JWS');
    }
    const header = parseObject(headerPart, () => new joseErrors.JWSInvalid('JWS Protected Header is invalid'));
    if (header.alg !== 'HS256') throw new joseErrors.JOSEAlgNotAllowed('"alg" (Algorithm) Header Parameter value not allowed');
    if (header.crit !== undefined || header.b64 !== undefined) throw new joseErrors.JWSInvalid('JWS header parameters this server does not accept');
    if (signaturePart.length !== SIGNATURE_CHARS) throw new joseErrors.JWSSignatureVerificationFailed();
    const expected = createHmac('sha256', this.key).update(`${headerPart}.${payloadPart}`).digest();
    if (!timingSafeEqual(expected, Buffer.from(signaturePart, 'base64url'))) throw new joseErrors.JWSSignatureVerificationFailed();
    const claims = parseObject(payloadPart, () => new joseErrors.JWTInvalid('JWT Claims Set must be a top-level JSON object'));
    checkClaims(claims, checks, nowS);
    return claims;
  }
}

function parseObject(part: string, invalid: () => Error): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
  } catch (cause) {
    throw Object.assign(invalid(), { cause });
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw invalid();
  return value as Record<string, unknown>;
}

function checkClaims(claims: JWTPayload, checks: Hs256Checks, now: number): void {
  const failed = (message: string, claim: string, reason = 'check_failed') => new joseErrors.JWTClaimValidationFailed(message, claims, claim, reason);
  // The same order as jose, so the first problem reported is the same.
  const required = ['exp', 'iat', ...(checks.audience !== undefined ? ['aud'] : []), ...(checks.issuer !== undefined ? ['iss'] : [])];
  for (const claim of new Set(required.reverse())) {
    if (!Object.hasOwn(claims, claim)) throw failed(`missing required "${claim}" claim`, claim, 'missing');
  }
  if (checks.issuer !== undefined && claims.iss !== checks.issuer) throw failed('unexpected "iss" claim value', 'iss');
  if (checks.audience !== undefined && !hasAudience(claims.aud, checks.audience)) throw failed('unexpected "aud" claim value', 'aud');
  const tolerance = checks.clockTolerance;
  const iat = numericDate(claims, 'iat', failed);
  const nbf = numericDate(claims, 'nbf', failed);
  if (nbf !== undefined && nbf > now + tolerance) throw failed('"nbf" claim timestamp check failed', 'nbf');
  const exp = numericDate(claims, 'exp', failed);
  if (exp !== undefined && exp <= now - tolerance) throw new joseErrors.JWTExpired('"exp" claim timestamp check failed', claims, 'exp', 'check_failed');
  const age = now - iat!;
  if (age - tolerance > checks.maxTokenAge) throw new joseErrors.JWTExpired('"iat" claim timestamp check failed (too far in the past)', claims, 'iat', 'check_failed');
  if (age < -tolerance) throw failed('"iat" claim timestamp check failed (it should be in the past)', 'iat');
}

function numericDate(claims: JWTPayload, claim: string, failed: (message: string, claim: string, reason: string) => Error): number | undefined {
  const value = claims[claim];
  if (value === undefined) return undefined;
  if (typeof value !== 'number') throw failed(`"${claim}" claim must be a number`, claim, 'invalid');
  return value;
}

function hasAudience(aud: unknown, expected: string): boolean {
  if (typeof aud === 'string') return aud === expected;
  return Array.isArray(aud) && aud.includes(expected);
}
