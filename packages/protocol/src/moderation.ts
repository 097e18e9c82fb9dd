/**
 * The moderation word lists an operator manages (`GET/PUT /admin/moderation/words`): words that
 * refuse a TEXT send or edit (`block`) and words that are starred out (`mask`). docs/safety.md
 * describes the matching.
 */
import { Type, type Static } from '@sinclair/typebox';
import { WELL_FORMED_TEXT } from './schemas.js';

export const WORD_LISTS_MAX_WORDS = 10_000;
export const WORD_MAX_CHARS = 64;

const Word = Type.String({ minLength: 1, maxLength: WORD_MAX_CHARS, pattern: WELL_FORMED_TEXT });

/** Both lists; a PUT replaces both. At most 10,000 words in the two lists together. */
export const WordListsBody = Type.Object({
  block: Type.Array(Word, { maxItems: WORD_LISTS_MAX_WORDS }),
  mask: Type.Array(Word, { maxItems: WORD_LISTS_MAX_WORDS }),
});
export type WordListsBody = Static<typeof WordListsBody>;
