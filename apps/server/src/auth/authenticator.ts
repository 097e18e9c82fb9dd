import { SignJWT } from 'jose';
import type { UserDirectory } from '../services/user-directory.js';
import type { Identity, TokenVerifier } from './token-verifier.js';

/** Refuses users who may not use the service at all (a ban); throws the door's error. */
export interface AccessGate {
  assertNotBanned(userId: number): Promise<void>;
}

/** Shared by every door: verifies a bearer token and makes sure the user row exists. */
export class Authenticator {
  constructor(
    private readonly verifier: TokenVerifier,
    private readonly directory: UserDirectory,
    private readonly devSigningSecret: Uint8Array | null,
    private readonly gate: AccessGate | null = null,
  ) {}

  /** Every door's first step on every request and connection: a valid token of a user who is not banned. */
  async authenticate(token: string | null | undefined): Promise<Identity> {
    const identity = await this.verifier.verify(token ?? '');
    await this.gate?.assertNotBanned(identity.userId);
    await this.directory.ensure(identity.userId, identity);
    return identity;
  }

  /** True while POST /auth/dev-token is enabled. */
  get devSignInEnabled(): boolean {
    return this.devSigningSecret !== null;
  }

  /** A development token for any user id; only while development sign-in is on. */
  async issueDevToken(userId: number, name?: string, avatar?: string): Promise<string> {
    if (!this.devSigningSecret) throw new Error('development sign-in is off');
    const claims: Record<string, unknown> = {};
    if (name) claims.name = name;
    if (avatar) claims.avatar = avatar;
    // One instant for both claims: read twice, a second boundary between them would make the
    // token live one second longer than the verifier accepts.
    const issuedAt = Math.floor(Date.now() / 1000);
    return new SignJWT(claims)
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject(String(userId))
      .setIssuedAt(issuedAt)
      .setExpirationTime(issuedAt + this.verifier.maxAgeSeconds)
      .sign(this.devSigningSecret);
  }
}

/** Extracts the token from `Authorization: Bearer …` (case-insensitive scheme) or a bare token. */
export function bearerToken(header: string | undefined | null): string | null {
  if (!header) return null;
  const match = /^\s*Bearer\s+(\S+)\s*$/i.exec(header);
  return match ? match[1]! : null;
}
