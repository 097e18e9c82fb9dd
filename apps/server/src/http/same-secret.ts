import { timingSafeEqual } from 'node:crypto';

/** Compares a presented bearer token with a configured one without leaking where they differ through timing. */
export function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}
