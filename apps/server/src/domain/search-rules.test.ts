import { describe, expect, it } from 'vitest';
import { AppError } from './app-error.js';
import { checkSearchText, parseSearchCursor } from './search-rules.js';

const refusal = (run: () => unknown) => {
  try {
    run();
  } catch (error) {
    if (error instanceof AppError) return `${error.code}: ${error.message}`;
    throw error;
  }
  throw new Error('expected an AppError');
};

describe('search text', () => {
  it('is trimmed and takes 2–64 characters, counted in code points', () => {
    expect(checkSearchText('  信号 ')).toBe('信号');
    expect(checkSearchText('😀😀')).toBe('😀😀');
    expect(checkSearchText('字'.repeat(64))).toHaveLength(64);
    for (const q of ['', '   ', '信', ' a ', '😀', 'x'.repeat(65)]) expect(refusal(() => checkSearchText(q))).toBe('VALIDATION_FAILED: q: search for 2–64 characters');
  });
});

describe('search cursor', () => {
  it('is the id nextBefore gave, or absent', () => {
    expect(parseSearchCursor(undefined)).toBeNull();
    expect(parseSearchCursor('1042')).toBe(1042);
    for (const before of ['0', 'abc', '-1', '1.5', '99999999999999999']) expect(refusal(() => parseSearchCursor(before))).toMatch(/^VALIDATION_FAILED: before:/);
  });
});
