import { describe, expect, it } from 'vitest';
import { foldText, originalRange } from './text-folding.js';

describe('foldText', () => {
  it.each([
    ['ＡＢＣ１２３', 'abc123'],
    ['ＷＸ：Ｖ信', 'wx:v信'],
    ['a\u3000b', 'a b'],
    ['①②⑩', '12⑩'],
    ['1\u200b2\ufeff3', '123'],
    ['1️⃣2️⃣', '12'],
    ['微信', '微信'],
  ])('%s folds to %s', (input, folded) => {
    expect(foldText(input).text).toBe(folded);
  });

  it('maps each folded code unit back to the original range, dropped characters included', () => {
    const original = '😀Ａ\u200bＢ';
    const folded = foldText(original);
    expect(folded.text).toBe('😀ab');
    expect(originalRange(folded, 0, 2)).toEqual({ start: 0, end: 2 });
    expect(originalRange(folded, 2, 3)).toEqual({ start: 2, end: 3 });
    expect(original.slice(originalRange(folded, 2, 4).start, originalRange(folded, 2, 4).end)).toBe('Ａ\u200bＢ');
  });

  it('lets a span cover a keycap after its last digit', () => {
    const original = '1️⃣2️⃣';
    const folded = foldText(original);
    expect(originalRange(folded, 0, 2)).toEqual({ start: 0, end: original.length });
  });

  it('drops what the skip option says; a span covers skipped characters inside it but not after it', () => {
    const folded = foldText('s.p.a.m!', { skip: (char) => char === '.' || char === '!' });
    expect(folded.text).toBe('spam');
    expect(originalRange(folded, 0, 4)).toEqual({ start: 0, end: 7 });
  });
});
