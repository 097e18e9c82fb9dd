import type { ExchangedData } from '@parley/protocol';

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

export function exchangedDataOf(profile: UserProfile, kind: 'WECHAT' | 'PHOTO'): ExchangedData | null {
  if (kind === 'WECHAT') return profile.wechatId ? { userId: profile.id, wechatId: profile.wechatId } : null;
  return profile.photoUrls.length > 0 ? { userId: profile.id, photoUrls: [...profile.photoUrls] } : null;
}
