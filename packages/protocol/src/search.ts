/**
 * Message search (`GET /messages/search`, docs/operations.md): a substring of 2–64 characters
 * over the caller's own TEXT messages and the fallback text of CUSTOM ones, newest first. No word
 * segmentation is needed: `信号` finds `没有信号了`.
 */
import { Type, type Static } from '@sinclair/typebox';
import { LIMITS } from './limits.js';
import type { Message } from './model.js';
import { Id, WELL_FORMED_TEXT } from './schemas.js';

export const SearchQuery = Type.Object({
  // The 2–64 characters (code points, after trimming) are a domain rule; this bounds the size.
  q: Type.String({ minLength: 1, maxLength: 256, pattern: WELL_FORMED_TEXT, description: 'the text to find, 2–64 characters' }),
  peerId: Type.Optional(Id),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: LIMITS.searchMaxLimit })),
  before: Type.Optional(Type.String({ pattern: '^[0-9]{1,16}$', description: 'nextBefore of the previous page' })),
});
export type SearchQuery = Static<typeof SearchQuery>;

/** The other side of a found message's conversation, as a card: no presence, no private field. */
export interface SearchPeer {
  id: number;
  name: string | null;
  avatarUrl: string | null;
}

export interface SearchHit {
  message: Message;
  conversationId: number;
  peer: SearchPeer;
}

export interface SearchPage {
  /** Newest first. */
  items: SearchHit[];
  /** Pass as `before` for the next (older) page; null on the last page. */
  nextBefore: string | null;
}
