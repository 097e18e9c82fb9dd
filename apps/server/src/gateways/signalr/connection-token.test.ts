import { describe, expect, it } from 'vitest';
import { ConnectionTokens } from './connection-token.js';

describe('ConnectionTokens', () => {
  const claims = { userId: 7, connectionId: ConnectionTokens.newConnectionId(), expiresAtMs: 1_800_000_000_000, stateful: true };

  it('round-trips claims through a URL-safe token', () => {
    const tokens = new ConnectionTokens('a shared secret of enough length');
    const token = tokens.issue(claims);
    expect(token).toMatch(/^[A-Za-z0-9._-]+$/);
    expect(encodeURIComponent(token)).toBe(token);
    expect(tokens.verify(token)).toEqual(claims);
  });

  it('is accepted by another node with the same secret and refused with another', () => {
    const token = new ConnectionTokens('a shared secret of enough length').issue(claims);
    expect(new ConnectionTokens('a shared secret of enough length').verify(token)).toEqual(claims);
    expect(new ConnectionTokens('another secret of enough length!').verify(token)).toBeNull();
    expect(new ConnectionTokens(null).verify(token)).toBeNull();
  });

  it('refuses tampered and malformed tokens', () => {
    const tokens = new ConnectionTokens('a shared secret of enough length');
    const token = tokens.issue(claims);
    expect(tokens.verify(token.replace('.7.', '.8.'))).toBeNull();
    expect(tokens.verify(token.replace(/\.1\./, '.0.'))).toBeNull();
    expect(tokens.verify(token.slice(0, -2))).toBeNull();
    expect(tokens.verify('')).toBeNull();
    expect(tokens.verify('x.y')).toBeNull();
    expect(tokens.verify(null)).toBeNull();
  });
});
