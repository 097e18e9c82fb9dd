import type { RestrictionKind, RestrictionSource } from '@parley/protocol';

/**
 * A notice for every node, whether or not it holds a connection of the user concerned: a
 * restriction set or lifted. Each node refreshes its restriction cache from it and, for a ban,
 * ends the user's live connections it holds.
 */
export interface RestrictionNotice {
  kind: 'restriction';
  userId: number;
  /** The user's restriction now, or null when it was lifted. Times are ISO 8601. */
  restriction: { kind: RestrictionKind; until: string | null; reason: string | null; source: RestrictionSource; createdAt: string } | null;
}

export type NodeNotice = RestrictionNotice;
