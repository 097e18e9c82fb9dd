/**
 * Rules that keep a stranger from flooding an inbox. Pure: the caller counts from the
 * database inside the send's transaction, so two devices racing the last allowed message,
 * or two nodes, see the same numbers.
 */

export type ContactVerdict = { readonly allowed: true } | { readonly allowed: false; readonly code: 'AWAITING_REPLY' };

export type NewConversationVerdict = { readonly allowed: true } | { readonly allowed: false; readonly code: 'RATE_LIMITED'; readonly retryAfterMs: number };

export interface FirstContactFacts {
  /** PARLEY_FIRST_CONTACT_LIMIT; 0 turns the rule off. */
  readonly limit: number;
  /** Messages of any type (exchange requests included) the sender has stored in this conversation. */
  readonly sentBySender: number;
  /** Whether the peer has ever sent a message in it; the first one lifts the limit for good. */
  readonly peerHasSent: boolean;
}

/** May the sender store one more message in a conversation the peer has not answered? */
export function checkFirstContact({ limit, sentBySender, peerHasSent }: FirstContactFacts): ContactVerdict {
  if (limit === 0 || peerHasSent || sentBySender < limit) return { allowed: true };
  return { allowed: false, code: 'AWAITING_REPLY' };
}

export const NEW_CONVERSATION_WINDOW_MS = 24 * 60 * 60 * 1000;

export interface NewConversationFacts {
  /** PARLEY_NEW_CONVERSATIONS_PER_DAY; 0 turns the rule off. */
  readonly limit: number;
  /** Whether this send starts a conversation (first message to someone the sender has no conversation with). */
  readonly startsConversation: boolean;
  /** When the sender started conversations, in epoch milliseconds; older ones than the window are ignored. */
  readonly startedAtMs: readonly number[];
  readonly nowMs: number;
}

/** May the sender start one more conversation within the rolling 24 hours? */
export function checkNewConversation({ limit, startsConversation, startedAtMs, nowMs }: NewConversationFacts): NewConversationVerdict {
  if (limit === 0 || !startsConversation) return { allowed: true };
  const windowStart = nowMs - NEW_CONVERSATION_WINDOW_MS;
  const inWindow = startedAtMs.filter((startedAt) => startedAt > windowStart).sort((a, b) => a - b);
  if (inWindow.length < limit) return { allowed: true };
  // A slot frees when the start that brings the count below the limit leaves the window.
  const freeingStart = inWindow[inWindow.length - limit]!;
  return { allowed: false, code: 'RATE_LIMITED', retryAfterMs: Math.max(1, freeingStart + NEW_CONVERSATION_WINDOW_MS - nowMs) };
}
