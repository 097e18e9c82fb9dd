import { createRemoteJWKSet, errors as joseErrors, jwtVerify, type JWTPayload, type JWTVerifyGetKey, type JWTVerifyOptions } from 'jose';
import { LIMITS } from '@parley/protocol';
import { AppError } from '../domain/app-error.js';
import { Hs256Verifier } from './hs256-verify.js';

export interface Identity {
  userId: number;
  name?: string;
  avatar?: string;
  /** Seconds since the epoch: every accepted token has one. */
  expiresAt: number;
}

export interface TokenVerifierOptions {
  /** HS256 secret (JWT_SECRET, or the development secret). */
  secret: Uint8Array | null;
  jwksUrl: string | null;
  issuer: string | null;
  audience: string | null;
  userClaim: string;
  /** Longest lifetime accepted, in seconds: `exp − iat`, and the age `now − iat`, may not exceed it. */
  maxAgeSeconds: number;
}

/**
 * Clocks of the host application and of this server differ a little; without slack a token
 * minted a second "in the future" by a host whose clock runs ahead would be refused.
 */
const CLOCK_TOLERANCE_S = 30;

/**
 * Verifies access tokens: HS256 with a shared secret, or RS256/ES256 against a JWKS. The user
 * id comes from the configured claim, or `UserId` when that claim is absent. A token must say
 * when it was issued (`iat`) and when it ends (`exp`), and live at most `maxAgeSeconds`: a token
 * that never expires, or lives for months, stays usable long after it leaked.
 */
export class TokenVerifier {
  private readonly jwks: JWTVerifyGetKey | null;
  private readonly hs256: Hs256Verifier | null;

  constructor(private readonly options: TokenVerifierOptions) {
    this.jwks = options.jwksUrl ? createRemoteJWKSet(new URL(options.jwksUrl)) : null;
    this.hs256 = options.secret ? new Hs256Verifier(options.secret) : null;
  }

  /** The longest lifetime this verifier accepts: tokens minted here must not exceed it. */
  get maxAgeSeconds(): number {
    return this.options.maxAgeSeconds;
  }

  async verify(token: string): Promise<Identity> {
    if (!token) throw new AppError('UNAUTHORIZED', 'missing access token');
    let payload: JWTPayload;
    try {
      const verifyOptions = {
        requiredClaims: ['exp', 'iat'],
        maxTokenAge: this.options.maxAgeSeconds,
        clockTolerance: CLOCK_TOLERANCE_S,
        ...(this.options.issuer ? { issuer: this.options.issuer } : {}),
        ...(this.options.audience ? { audience: this.options.audience } : {}),
      };
      payload = await this.verifyWithAnyKey(token, verifyOptions);
    } catch (error) {
      if (error instanceof AppError) throw error;
      const reason = error instanceof joseErrors.JWTExpired ? 'access token expired' : invalidReason(error);
      throw new AppError('UNAUTHORIZED', reason, undefined, { cause: error });
    }
    const lifetime = payload.exp! - payload.iat!;
    if (lifetime > this.options.maxAgeSeconds) {
      throw new AppError('UNAUTHORIZED', `access token lives ${lifetime} s, longer than the ${this.options.maxAgeSeconds} s this server accepts`);
    }
    const raw = payload[this.options.userClaim] ?? payload.UserId;
    const userId = typeof raw === 'number' ? raw : typeof raw === 'string' && /^\d{1,16}$/.test(raw) ? Number(raw) : NaN;
    if (!Number.isSafeInteger(userId) || userId < 1 || userId > LIMITS.maxId) {
      throw new AppError('UNAUTHORIZED', `access token has no valid user id in "${this.options.userClaim}"`);
    }
    const identity: Identity = { userId, expiresAt: payload.exp! };
    if (typeof payload.name === 'string' && payload.name.length <= 64) identity.name = payload.name;
    if (typeof payload.avatar === 'string' && payload.avatar.length <= 2048) identity.avatar = payload.avatar;
    return identity;
  }

  private async verifyWithAnyKey(token: string, options: JWTVerifyOptions): Promise<JWTPayload> {
    if (this.jwks) {
      try {
        return (await jwtVerify(token, this.jwks, { ...options, algorithms: ['RS256', 'ES256'] })).payload;
      } catch (error) {
        if (!this.options.secret) throw error;
      }
    }
    if (!this.hs256) throw new AppError('UNAUTHORIZED', 'no key configured to verify access tokens');
    return this.hs256.verify(token, {
      maxTokenAge: this.options.maxAgeSeconds,
      clockTolerance: CLOCK_TOLERANCE_S,
      ...(this.options.issuer ? { issuer: this.options.issuer } : {}),
      ...(this.options.audience ? { audience: this.options.audience } : {}),
    });
  }
}

/** Says which claim is missing or wrong, so a host developer can fix their token minting. */
function invalidReason(error: unknown): string {
  if (error instanceof joseErrors.JWTClaimValidationFailed) return `invalid access token: ${error.message}`;
  return 'invalid access token';
}
