import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/** What a connection token carries; any node holding the same key can check it. */
export interface ConnectionClaims {
  userId: number;
  /** Random, URL-safe; the public `connectionId` of negotiate version 1 and the session id. */
  connectionId: string;
  /** Epoch ms after which a token that no transport has used yet is refused. */
  expiresAtMs: number;
  /** Negotiate asked for stateful reconnect (`useStatefulReconnect=true`). */
  stateful: boolean;
}

const FORMAT = 'c1';
const ID_PATTERN = /^[A-Za-z0-9_-]{16,64}$/;

/**
 * Stateless SignalR connection tokens: `c1.<userId>.<connectionId>.<expiresAtMs>.<stateful>.<hmac>`,
 * HMAC-SHA256 under a per-deployment key, base64url, so the token goes into URLs unencoded and
 * any node can accept the transport request (no sticky sessions for WebSockets).
 */
export class ConnectionTokens {
  private readonly key: Buffer;

  /** `secret` is shared by every node of a deployment; null gives a per-process random key (one node only). */
  constructor(secret: string | null) {
    this.key = secret === null ? randomBytes(32) : createHash('sha256').update('parley/signalr-connection-token\0').update(secret).digest();
  }

  static newConnectionId(): string {
    return randomBytes(16).toString('base64url');
  }

  issue(claims: ConnectionClaims): string {
    const body = [FORMAT, claims.userId, claims.connectionId, claims.expiresAtMs, claims.stateful ? 1 : 0].join('.');
    return `${body}.${this.sign(body)}`;
  }

  /** The claims of a well-formed token with a valid signature, else null. Expiry is the caller's to check. */
  verify(token: string | null | undefined): ConnectionClaims | null {
    if (!token || token.length > 200) return null;
    const parts = token.split('.');
    if (parts.length !== 6 || parts[0] !== FORMAT) return null;
    const [, user, connectionId, expires, stateful, signature] = parts as [string, string, string, string, string, string];
    const expected = Buffer.from(this.sign(parts.slice(0, 5).join('.')));
    const given = Buffer.from(signature);
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
    if (!/^\d{1,16}$/.test(user) || !/^\d{1,16}$/.test(expires) || !ID_PATTERN.test(connectionId) || !/^[01]$/.test(stateful)) return null;
    return { userId: Number(user), connectionId, expiresAtMs: Number(expires), stateful: stateful === '1' };
  }

  private sign(body: string): string {
    return createHmac('sha256', this.key).update(body).digest('base64url');
  }
}
