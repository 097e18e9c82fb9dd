/** What a search may ask for: a text of 2–64 characters after trimming, counted in code points. */
import { LIMITS } from '@parley/protocol';
import { AppError } from './app-error.js';
import { charLength } from './message-rules.js';

export function checkSearchText(raw: string): string {
  const text = raw.trim();
  const length = charLength(text);
  if (length < LIMITS.searchQueryMinChars || length > LIMITS.searchQueryMaxChars) {
    throw new AppError('VALIDATION_FAILED', `q: search for ${LIMITS.searchQueryMinChars}–${LIMITS.searchQueryMaxChars} characters`);
  }
  return text;
}

/** `before` is the id of the previous page's last message, as `nextBefore` gave it. */
export function parseSearchCursor(before: string | undefined): number | null {
  if (before === undefined) return null;
  const id = Number(before);
  if (!/^[0-9]{1,16}$/.test(before) || !Number.isSafeInteger(id) || id < 1) throw new AppError('VALIDATION_FAILED', 'before: not a cursor returned as nextBefore');
  return id;
}
