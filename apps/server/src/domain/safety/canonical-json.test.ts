import { describe, expect, it } from 'vitest';
import { canonicalJson, type CanonicalValue } from './canonical-json.js';

describe('canonicalJson', () => {
  it.each<[string, CanonicalValue, string]>([
    ['sorts keys and drops whitespace', { b: 1, a: [true, null], c: 'x' }, '{"a":[true,null],"b":1,"c":"x"}'],
    ['sorts nested objects too', { z: { y: 1, x: 2 } }, '{"z":{"x":2,"y":1}}'],
    ['sorts by UTF-16 code units, not by code point', { '\u{1F600}': 1, '\uFB01': 2, a: 3, B: 4 }, '{"B":4,"a":3,"\u{1F600}":1,"\uFB01":2}'],
    ['keeps null, drops undefined members', { a: null, b: undefined }, '{"a":null}'],
    ['writes numbers as JSON.stringify does', [1, -0, 1.5, 1e21, 1e-7, 100], '[1,0,1.5,1e+21,1e-7,100]'],
    ['escapes strings as JSON.stringify does', ['"\\\n\u0001', '微信😀'], '["\\"\\\\\\n\\u0001","微信😀"]'],
    ['leaves arrays in order', [3, 1, 2], '[3,1,2]'],
  ])('%s', (_why, value, expected) => {
    expect(canonicalJson(value)).toBe(expected);
  });

  it('gives the same text for the same data built in a different order', () => {
    expect(canonicalJson({ id: 1, content: 'hi', extra: { b: 2, a: 1 } })).toBe(canonicalJson({ extra: { a: 1, b: 2 }, content: 'hi', id: 1 }));
  });

  it.each<[string, unknown]>([
    ['NaN', Number.NaN],
    ['Infinity', Number.POSITIVE_INFINITY],
    ['undefined in an array', [1, undefined]],
    ['a Date', new Date(0)],
    ['a bigint', 1n],
  ])('refuses %s', (_why, value) => {
    expect(() => canonicalJson(value as CanonicalValue)).toThrow(TypeError);
  });
});
