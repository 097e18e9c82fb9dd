import { createRemoteJWKSet, errors as joseErrors, jwtVerify, type JWTPayload, type JWTVerifyGetKey } from 'jose';
import { LIMITS } from '@parley/protocol';
import { AppError } from '../domain/app-error.js';

export interface Identity {
  userId: number;
  name?: string;
  avatar?: string;
  /** Seconds since the epoch; undefined for tokens without `exp`. */
  expiresAt?: number;
}

export interface TokenVerifierOptions {
  /** HS256 secret (JWT_SECRET, or the development secret). */
  secret: Uint8Array | null;
  jwksUrl: string | null;
  issuer: string | null;
  audience: string | null;
  userClaim: string;
}

/**
 * Verifies access tokens (contract §2): HS256 with a shared secret, or RS256/ES256 against a
 * JWKS. The user id comes from the configured claim, or `UserId` when that claim is absent.
 */
export class TokenVerifier {
  private readonly jwks: JWTVerifyGetKey | null;

  constructor(private readonly options: TokenVerifierOptions) {
    this.jwks = options.jwksUrl ? createRemoteJWKSet(new URL(options.jwksUrl)) : null;
  }

  async verify(token: string): Promise<Identity> {
    if (!token) throw new AppError('UNAUTHORIZED', 'missing access token');
    let payload: JWTPayload;
    try {
      const verifyOptions = {
        ...(this.options.issuer ? { issuer: this.options.issuer } : {}),
        ...(this.options.audience ? { audience: this.options.audience } : {}),
      };
      payload = await this.verifyWithAnyKey(token, verifyOptions);
    } catch (error) {
      if (error instanceof AppError) throw error;
      const reason = error instanceof joseErrors.JWTExpired ? 'access token expired' : 'invalid access token';
      throw new AppError('UNAUTHORIZED', reason, undefined, { cause: error });
    }
    const raw = payload[this.options.userClaim] ?? payload.UserId;
    const userId = typeof raw === 'number' ? raw : typeof raw === 'string' && /^\d{1,16}$/.test(raw) ? Number(raw) : NaN;
    if (!Number.isSafeInteger(userId) || userId < 1 || userId > LIMITS.maxId) {
      throw new AppError('UNAUTHORIZED', `access token has no valid user id in "${this.options.userClaim}"`);
    }
    const identity: Identity = { userId };
    if (typeof payload.name === 'string' && payload.name.length <= 64) identity.name = payload.name;
    if (typeof payload.avatar === 'string' && payload.avatar.length <= 2048) identity.avatar = payload.avatar;
    if (typeof payload.exp === 'number') identity.expiresAt = payload.exp;
    return identity;
  }

  private async verifyWithAnyKey(token: string, options: { issuer?: string; audience?: string }): Promise<JWTPayload> {
    if (this.jwks) {
      try {
        return (await jwtVerify(token, this.jwks, { ...options, algorithms: ['RS256', 'ES256'] })).payload;
      } catch (error) {
        if (!this.options.secret) throw error;
      }
    }
    if (!this.options.secret) throw new AppError('UNAUTHORIZED', 'no key configured to verify access tokens');
    return (await jwtVerify(token, this.options.secret, { ...options, algorithms: ['HS256'] })).payload;
  }
}
