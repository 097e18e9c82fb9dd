import { describe, expect, it } from 'vitest';
import { isAppError } from '../app-error.js';
import { maskWords, WordMatcher, WORD_LIST_LIMITS } from './word-matcher.js';

const matcher = WordMatcher.compile({ block: ['spam', '微信', 'Scam Link'], mask: ['damn', '傻瓜', 'ass'] });

describe('WordMatcher: what matches', () => {
  it.each([
    { why: 'exact word', text: 'this is spam', found: [['spam', 'block']] },
    { why: 'any case', text: 'SPAM and Spam', found: [['SPAM', 'block'], ['Spam', 'block']] },
    { why: 'full-width letters', text: 'ｓｐａｍ', found: [['ｓｐａｍ', 'block']] },
    { why: 'dots between letters', text: 's.p.a.m!', found: [['s.p.a.m', 'block']] },
    { why: 'spaces between letters', text: 's p a m', found: [['s p a m', 'block']] },
    { why: 'spaces inside a Chinese word', text: '加我微 信', found: [['微 信', 'block']] },
    { why: 'ideographic space and full-width punctuation', text: '微\u3000信，微．信', found: [['微\u3000信', 'block'], ['微．信', 'block']] },
    { why: 'zero-width space', text: 'sp\u200bam', found: [['sp\u200bam', 'block']] },
    { why: 'a word with a space in the list', text: 'click this scamlink', found: [['scamlink', 'block']] },
    { why: 'mask list', text: '你个傻瓜', found: [['傻瓜', 'mask']] },
    { why: 'overlapping words are all reported', text: 'damnass', found: [['damn', 'mask'], ['ass', 'mask']] },
    { why: 'nothing', text: '今天天气不错', found: [] },
  ])('$why', ({ text, found }) => {
    expect(matcher.find(text).map((match) => [text.slice(match.start, match.end), match.list])).toEqual(found);
  });

  it('matches words written in full-width or with punctuation in the list, and emoji words, in UTF-16 ranges of the text', () => {
    const lists = WordMatcher.compile({ block: ['ＢＡＤ-ＷＯＲＤ'], mask: ['🍆'] });
    const text = '😀 badword 🍆';
    expect(lists.find(text).map((match) => [text.slice(match.start, match.end), match.list])).toEqual([
      ['badword', 'block'],
      ['🍆', 'mask'],
    ]);
    expect(maskWords(text, lists.find(text))).toBe('😀 badword *');
  });

  it('reports the word as the list has it', () => {
    expect(matcher.find('SCAM-LINK')).toEqual([{ start: 0, end: 9, list: 'block', word: 'Scam Link' }]);
  });

  it('puts a word that is on both lists on the block list', () => {
    const both = WordMatcher.compile({ block: ['foo'], mask: ['FOO'] });
    expect(both.find('foo').map((match) => match.list)).toEqual(['block']);
  });

  it('matches nothing with empty lists or with words that are only punctuation', () => {
    expect(WordMatcher.compile({ block: [], mask: [] }).find('anything')).toEqual([]);
    expect(WordMatcher.compile({ block: ['!!!'], mask: [' '] }).find('!!! ')).toEqual([]);
  });

  it('finds words from a list of 10,000', () => {
    const words = Array.from({ length: WORD_LIST_LIMITS.maxWords }, (_, index) => `word${index}x`);
    const big = WordMatcher.compile({ block: words.slice(0, 5000), mask: words.slice(5000) });
    expect(big.find('a w.o.r.d.4999x and word9999x').map((match) => [match.word, match.list])).toEqual([
      ['word4999x', 'block'],
      ['word9999x', 'mask'],
    ]);
  });
});

describe('maskWords', () => {
  it.each([
    { text: '你个傻瓜', masked: '你个**' },
    { text: 'd a m n it', masked: '******* it' },
    { text: 'ＤＡＭＮ', masked: '****' },
    { text: 'damnass', masked: '*******' },
    { text: 'spam stays for the caller to refuse', masked: 'spam stays for the caller to refuse' },
  ])('$text → $masked', ({ text, masked }) => {
    expect(maskWords(text, matcher.find(text))).toBe(masked);
  });
});

describe('WordMatcher: limits', () => {
  const rejects = (lists: { block: string[]; mask: string[] }) => {
    try {
      WordMatcher.compile(lists);
      return null;
    } catch (error) {
      return isAppError(error) ? error.code : error;
    }
  };

  it('refuses more than 10,000 words in both lists together', () => {
    const words = Array.from({ length: 5001 }, (_, index) => `w${index}`);
    expect(rejects({ block: words, mask: words })).toBe('VALIDATION_FAILED');
  });

  it('refuses empty words and words over 64 characters, counting code points', () => {
    expect(rejects({ block: [''], mask: [] })).toBe('VALIDATION_FAILED');
    expect(rejects({ block: [], mask: ['x'.repeat(65)] })).toBe('VALIDATION_FAILED');
    expect(rejects({ block: ['😀'.repeat(64)], mask: [] })).toBeNull();
  });
});
