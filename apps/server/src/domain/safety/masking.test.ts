import { describe, expect, it } from 'vitest';
import { maskSpans, mergeSpans, visibleLength } from './masking.js';

describe('masking', () => {
  it('joins overlapping and touching spans, drops empty ones, sorts', () => {
    expect(mergeSpans([{ start: 5, end: 8 }, { start: 0, end: 2 }, { start: 2, end: 3 }, { start: 6, end: 10 }, { start: 4, end: 4 }])).toEqual([
      { start: 0, end: 3 },
      { start: 5, end: 10 },
    ]);
  });

  it.each([
    ['abc', 3],
    ['１２３', 3],
    ['😀', 1],
    ['1️⃣', 1],
    ['👨‍👩‍👧', 1],
    ['微信', 2],
  ])('counts %s as %i visible characters', (text, length) => {
    expect(visibleLength(text)).toBe(length);
  });

  it('puts one star per visible character of each span and keeps the rest', () => {
    expect(maskSpans('a😀b１c', [{ start: 1, end: 3 }, { start: 4, end: 5 }])).toBe('a*b*c');
    expect(maskSpans('abc', [])).toBe('abc');
  });
});
