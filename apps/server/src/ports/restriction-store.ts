import type { RestrictionKind, RestrictionSource } from '@parley/protocol';

/** A user's restriction as stored; whether it is still in force is the caller's comparison with now. */
export interface StoredRestriction {
  userId: number;
  kind: RestrictionKind;
  /** Null: until lifted. */
  until: Date | null;
  reason: string | null;
  source: RestrictionSource;
  createdAt: Date;
}

export type NewRestriction = Omit<StoredRestriction, 'createdAt'>;

/** At most one restriction per user (mute or ban), with an optional end. */
export interface RestrictionStore {
  get(userId: number): Promise<StoredRestriction | null>;
  /** Sets the user's restriction, replacing any other. */
  set(restriction: NewRestriction): Promise<StoredRestriction>;
  /** Sets it only where the user has none in force at `now`; null when one was (an automatic mute never overrides an operator's decision). */
  setIfNone(restriction: NewRestriction, now: Date): Promise<StoredRestriction | null>;
  /** Removes the user's restriction (of that source only, when given); false when there was none. */
  remove(userId: number, source?: RestrictionSource): Promise<boolean>;
}
