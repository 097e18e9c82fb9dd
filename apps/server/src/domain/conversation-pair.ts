/**
 * A conversation belongs to an unordered pair of users. It is stored and looked up with the
 * smaller id first, so (a, b) and (b, a) always name the same conversation.
 */
export type OrderedPair = readonly [low: number, high: number];

export function orderedPair(a: number, b: number): OrderedPair {
  return a < b ? [a, b] : [b, a];
}

/** One string per unordered pair: a map key for "the conversation of these two users". */
export function pairKey(a: number, b: number): string {
  const [low, high] = orderedPair(a, b);
  return `${low}:${high}`;
}

/** The other member of the pair `a`, `b` as seen from `userId`, which must be one of them. */
export function peerOf(userId: number, a: number, b: number): number {
  return userId === a ? b : a;
}
