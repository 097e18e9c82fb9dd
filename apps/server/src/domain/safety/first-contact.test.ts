import { describe, expect, it } from 'vitest';
import { checkFirstContact, checkNewConversation, NEW_CONVERSATION_WINDOW_MS } from './first-contact.js';

describe('checkFirstContact', () => {
  it.each([
    { why: 'off when the limit is 0', limit: 0, sentBySender: 50, peerHasSent: false, allowed: true },
    { why: 'the first message', limit: 2, sentBySender: 0, peerHasSent: false, allowed: true },
    { why: 'the last allowed message', limit: 2, sentBySender: 1, peerHasSent: false, allowed: true },
    { why: 'one past the limit', limit: 2, sentBySender: 2, peerHasSent: false, allowed: false },
    { why: 'far past the limit', limit: 1, sentBySender: 7, peerHasSent: false, allowed: false },
    { why: 'the peer has answered', limit: 1, sentBySender: 7, peerHasSent: true, allowed: true },
  ])('$why', ({ limit, sentBySender, peerHasSent, allowed }) => {
    expect(checkFirstContact({ limit, sentBySender, peerHasSent })).toEqual(allowed ? { allowed: true } : { allowed: false, code: 'AWAITING_REPLY' });
  });
});

describe('checkNewConversation', () => {
  const now = Date.UTC(2026, 10, 30, 12);
  const hoursAgo = (hours: number) => now - hours * 60 * 60 * 1000;

  it.each([
    { why: 'off when the limit is 0', limit: 0, startsConversation: true, startedAtMs: [hoursAgo(1), hoursAgo(2)] },
    { why: 'a message in an existing conversation', limit: 1, startsConversation: false, startedAtMs: [hoursAgo(1)] },
    { why: 'below the limit', limit: 2, startsConversation: true, startedAtMs: [hoursAgo(1)] },
    { why: 'older starts have left the window', limit: 2, startsConversation: true, startedAtMs: [hoursAgo(25), hoursAgo(24), hoursAgo(3)] },
  ])('allows $why', (facts) => {
    expect(checkNewConversation({ ...facts, nowMs: now })).toEqual({ allowed: true });
  });

  it('refuses at the limit and says when the oldest start in the window frees a slot', () => {
    expect(checkNewConversation({ limit: 2, startsConversation: true, startedAtMs: [hoursAgo(1), hoursAgo(20)], nowMs: now })).toEqual({
      allowed: false,
      code: 'RATE_LIMITED',
      retryAfterMs: 4 * 60 * 60 * 1000,
    });
  });

  it('waits for enough starts to leave when the sender is over the limit', () => {
    const verdict = checkNewConversation({ limit: 2, startsConversation: true, startedAtMs: [hoursAgo(1), hoursAgo(5), hoursAgo(20)], nowMs: now });
    expect(verdict).toEqual({ allowed: false, code: 'RATE_LIMITED', retryAfterMs: 19 * 60 * 60 * 1000 });
  });

  it('counts a start exactly 24 hours ago as outside the window', () => {
    expect(checkNewConversation({ limit: 1, startsConversation: true, startedAtMs: [now - NEW_CONVERSATION_WINDOW_MS], nowMs: now })).toEqual({ allowed: true });
  });
});
