import { describe, expect, it } from 'vitest';
import { isEmojiOnly } from '../src/emoji.js';
import { originAllowed } from '../src/frame-ancestors.js';
import { looksLikeJwt, tokenExpiresAt } from '../src/token-expiry.js';

const SELF = 'https://chat.example.com';

describe('postMessage origins follow the frame-ancestors sources', () => {
  it.each([
    ["'self'", SELF, true],
    ["'self'", 'https://evil.example', false],
    ["'none'", SELF, false],
    ['https://app.example.com', 'https://app.example.com', true],
    ['https://app.example.com', 'https://app.example.com:8443', false],
    ['https://app.example.com:8443', 'https://app.example.com:8443', true],
    ['https://app.example.com', 'http://app.example.com', false],
    ['http://app.example.com', 'https://app.example.com', true],
    ['https://*.example.com', 'https://a.b.example.com', true],
    ['https://*.example.com', 'https://example.com', false],
    ['https://*.example.com', 'https://example.com.evil.net', false],
    ['app.example.com', 'https://app.example.com', true],
    ['https:', 'https://anything.example', true],
    ['https:', 'http://anything.example', false],
    ['*', 'https://anything.example', true],
    ['*', 'null', false],
  ])('%s lets %s in: %s', (source, origin, allowed) => {
    expect(originAllowed(origin, [source], SELF)).toBe(allowed);
  });
});

describe('token expiry read from the JWT payload', () => {
  const jwt = (payload: object) => `e30.${btoa(JSON.stringify(payload)).replace(/=+$/, '').replace(/\+/g, '-').replace(/\//g, '_')}.sig`;
  it('reads exp in milliseconds', () => expect(tokenExpiresAt(jwt({ sub: '1', exp: 1_900_000_000 }))).toBe(1_900_000_000_000));
  it('no exp, or garbage, is unknown', () => {
    expect(tokenExpiresAt(jwt({ sub: '1' }))).toBeNull();
    expect(tokenExpiresAt('garbage')).toBeNull();
    expect(tokenExpiresAt('a.!!!.c')).toBeNull();
  });
  it('tells a JWT from other text', () => {
    expect(looksLikeJwt(jwt({ sub: '1' }))).toBe(true);
    expect(looksLikeJwt('not-a-jwt')).toBe(false);
  });
});

describe('emoji-only texts', () => {
  it.each([
    ['😀', true],
    ['😀🎉', true],
    ['👍🏽 ❤️', true],
    ['👨‍👩‍👧', true],
    ['🇨🇳', true],
    ['😀😀😀😀', false],
    ['hi 😀', false],
    ['123', false],
    ['', false],
  ])('%s → %s', (text, expected) => expect(isEmojiOnly(text)).toBe(expected));
});
