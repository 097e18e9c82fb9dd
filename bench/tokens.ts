import { SignJWT } from 'jose';

/** HS256 access tokens for the given user ids, signed with `secret` (the servers get it as JWT_SECRET). */
export async function signTokens(secret: string, ids: Iterable<number>): Promise<Map<number, string>> {
  const key = new TextEncoder().encode(secret);
  const tokens = new Map<number, string>();
  for (const id of ids) {
    tokens.set(id, await new SignJWT({ name: `bench-${id}` }).setProtectedHeader({ alg: 'HS256' }).setSubject(String(id)).setIssuedAt().setExpirationTime('1h').sign(key));
  }
  return tokens;
}
