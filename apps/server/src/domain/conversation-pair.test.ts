import { describe, expect, it } from 'vitest';
import { orderedPair, pairKey, peerOf } from './conversation-pair.js';

describe('conversation pair', () => {
  it('orders the pair with the smaller id first, whichever side is given first', () => {
    expect(orderedPair(7, 3)).toEqual([3, 7]);
    expect(orderedPair(3, 7)).toEqual([3, 7]);
  });

  it('gives both directions of a pair one key, and different pairs different keys', () => {
    expect(pairKey(12, 5)).toBe(pairKey(5, 12));
    expect(pairKey(1, 23)).not.toBe(pairKey(12, 3));
  });

  it('names the other member as seen from either side', () => {
    expect(peerOf(4, 4, 9)).toBe(9);
    expect(peerOf(9, 4, 9)).toBe(4);
  });
});
