import { describe, expect, it } from 'vitest';
import { CONTACT_CASES } from './contact-detector.cases.js';
import { detectContacts, maskContacts } from './contact-detector.js';
import { visibleLength } from './masking.js';

/** The masked form a ⟦marked⟧ case expects: one star per visible character inside the brackets. */
function expectedMask(marked: string): string {
  return marked.replace(/⟦([^⟧]*)⟧/g, (_, secret: string) => '*'.repeat(visibleLength(secret)));
}

describe('contact detector: table of cases', () => {
  it.each(CONTACT_CASES)('$why: $input', ({ input, marked }) => {
    expect(maskContacts(input)).toBe(expectedMask(marked));
  });
});

describe('contact detector: spans', () => {
  it('reports UTF-16 ranges of the original text and the kind of each detail', () => {
    const text = '😀电话１３８００１３８０００, qq 12345678, a@b.cn';
    const spans = detectContacts(text);
    expect(spans.map((span) => [text.slice(span.start, span.end), span.kind])).toEqual([
      ['１３８００１３８０００', 'PHONE'],
      ['12345678', 'QQ'],
      ['a@b.cn', 'EMAIL'],
    ]);
  });

  it('masks only the detail after a keyword, never the keyword', () => {
    const text = '微信：abc_123';
    expect(detectContacts(text)).toEqual([{ start: 3, end: 10, kind: 'WECHAT' }]);
  });

  it('returns nothing for a text without contact details', () => {
    expect(detectContacts('周六 19:30 在万达见，票价 ¥68')).toEqual([]);
  });

  it('masks overlapping findings once', () => {
    expect(maskContacts('微信 13800138000')).toBe('微信 ***********');
  });
});
