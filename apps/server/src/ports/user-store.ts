export interface UserProfile {
  id: number;
  name: string | null;
  avatarUrl: string | null;
  /** Private: revealed only inside an accepted exchange. */
  wechatId: string | null;
  /** Private: revealed only inside an accepted exchange. */
  photoUrls: string[];
  lastSeenAt: Date | null;
  createdAt: Date;
}

export interface ProfilePatch {
  name?: string | null;
  avatarUrl?: string | null;
  wechatId?: string | null;
  photoUrls?: string[];
}

/** Users of the host application, created on first sight of a valid token or by the admin API. */
export interface UserStore {
  /** Creates the user when missing; applies the patch's present fields. Idempotent. */
  upsert(id: number, patch: ProfilePatch): Promise<UserProfile>;
  get(id: number): Promise<UserProfile | null>;
  /** Profiles of the given ids that exist, keyed by id. */
  getMany(ids: readonly number[]): Promise<Map<number, UserProfile>>;
  /** Records when the user was last online (kept across restarts). */
  setLastSeen(id: number, at: Date): Promise<void>;
  /** The user's latest userSeq (0 when nothing was logged yet). */
  latestUserSeq(id: number): Promise<number>;
}

/** The rule lives in the domain; re-exported for the callers that know it from here. */
export { exchangedDataOf } from '../domain/exchange.js';
