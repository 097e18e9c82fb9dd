/**
 * The hash chain of a report's evidence snapshot. Each entry carries the hash of the one before
 * it, so changing, reordering or deleting an entry breaks every link after it, and keeping the
 * last hash with the report also catches a cut-off tail.
 *
 *   hash(i) = lowercase hex SHA-256 of the UTF-8 bytes of  prevHash(i) + canonicalJson(entry(i))
 *   prevHash(0) = 64 × "0",  prevHash(i) = hash(i − 1)
 *
 * where entry(i) is the entry without its own `prevHash` and `hash` members.
 */
import { createHash } from 'node:crypto';
import { canonicalJson, type CanonicalValue } from './canonical-json.js';

export type EvidenceEntry = { readonly [key: string]: CanonicalValue | undefined };

export type ChainedEntry<E extends EvidenceEntry = EvidenceEntry> = E & { readonly prevHash: string; readonly hash: string };

export interface ChainVerdict {
  readonly intact: boolean;
  /** Index of the first entry whose link does not hold; `chain.length` when only the expected head is missing. */
  readonly firstBrokenIndex: number | null;
}

export const GENESIS_HASH = '0'.repeat(64);

export function entryHash(prevHash: string, entry: EvidenceEntry): string {
  return createHash('sha256').update(prevHash + canonicalJson(entry), 'utf8').digest('hex');
}

function withoutLinks(chained: EvidenceEntry): EvidenceEntry {
  const { prevHash: _prevHash, hash: _hash, ...entry } = chained;
  return entry;
}

export function buildChain<E extends EvidenceEntry>(entries: readonly E[]): ChainedEntry<E>[] {
  const chain: ChainedEntry<E>[] = [];
  let prevHash = GENESIS_HASH;
  for (const entry of entries) {
    if ('prevHash' in entry || 'hash' in entry) throw new TypeError('an evidence entry may not carry prevHash or hash of its own');
    const hash = entryHash(prevHash, entry);
    chain.push({ ...entry, prevHash, hash });
    prevHash = hash;
  }
  return chain;
}

/** The hash to keep next to the chain: the last entry's, or the genesis hash for an empty chain. */
export function chainHead(chain: readonly ChainedEntry[]): string {
  return chain[chain.length - 1]?.hash ?? GENESIS_HASH;
}

export function verifyChain(chain: readonly ChainedEntry[], expectedHead?: string): ChainVerdict {
  let prevHash = GENESIS_HASH;
  for (const [index, chained] of chain.entries()) {
    if (chained.prevHash !== prevHash || chained.hash !== entryHash(prevHash, withoutLinks(chained))) {
      return { intact: false, firstBrokenIndex: index };
    }
    prevHash = chained.hash;
  }
  if (expectedHead !== undefined && prevHash !== expectedHead) return { intact: false, firstBrokenIndex: chain.length };
  return { intact: true, firstBrokenIndex: null };
}
