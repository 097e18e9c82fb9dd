import { describe, expect, it } from 'vitest';
import { AhoCorasickAutomaton } from './aho-corasick.js';

const automaton = (...patterns: string[]) => new AhoCorasickAutomaton(patterns.map((pattern) => ({ pattern, data: pattern })));
const found = (a: AhoCorasickAutomaton<string>, text: string) => a.search(text).map((m) => `${m.data}@${m.start}-${m.end}`);

describe('AhoCorasickAutomaton', () => {
  it('finds every occurrence, overlapping and nested ones included', () => {
    expect(found(automaton('he', 'she', 'his', 'hers'), 'ushers')).toEqual(['she@1-4', 'he@2-4', 'hers@2-6']);
    expect(found(automaton('aa'), 'aaaa')).toEqual(['aa@0-2', 'aa@1-3', 'aa@2-4']);
    expect(found(automaton('a', 'ab', 'bab', 'bc', 'bca', 'c', 'caa'), 'abccab')).toEqual(['a@0-1', 'ab@0-2', 'bc@1-3', 'c@2-3', 'c@3-4', 'a@4-5', 'ab@4-6']);
  });

  it('reports UTF-16 offsets for Chinese and characters outside the basic plane', () => {
    expect(found(automaton('微信', '𠮷野'), '加我微信，𠮷野家')).toEqual(['微信@2-4', '𠮷野@5-8']);
  });

  it('finds nothing without patterns or matches, and ignores empty patterns', () => {
    expect(found(automaton(), 'anything')).toEqual([]);
    expect(found(automaton(''), 'anything')).toEqual([]);
    expect(found(automaton('zzz'), 'zz z')).toEqual([]);
  });

  it('agrees with a naive search on random texts', () => {
    let seed = 3;
    const random = () => ((seed = (seed * 1_664_525 + 1_013_904_223) >>> 0) / 2 ** 32);
    const alphabet = 'ab信😀';
    const pick = (length: number) => Array.from({ length }, () => [...alphabet][Math.floor(random() * 4)]).join('');
    for (let round = 0; round < 200; round++) {
      const patterns = [...new Set(Array.from({ length: 1 + Math.floor(random() * 6) }, () => pick(1 + Math.floor(random() * 3))))];
      const text = pick(Math.floor(random() * 20));
      const naive: string[] = [];
      for (const pattern of patterns) for (let i = text.indexOf(pattern); i !== -1; i = text.indexOf(pattern, i + 1)) naive.push(`${pattern}@${i}-${i + pattern.length}`);
      expect(found(automaton(...patterns), text).sort()).toEqual(naive.sort());
    }
  });
});
