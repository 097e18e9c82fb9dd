import type { BlockItem, OwnProfile, PeerProfile } from '@parley/protocol';
import { AppError } from '../domain/app-error.js';
import type { BlockStore } from '../ports/block-store.js';
import type { ProfilePatch, UserProfile, UserStore } from '../ports/user-store.js';
import type { MediaService } from './media-service.js';
import type { UserDirectory } from './user-directory.js';

export function toOwnProfile(p: UserProfile): OwnProfile {
  return { id: p.id, name: p.name, avatarUrl: p.avatarUrl, wechatId: p.wechatId, photoUrls: p.photoUrls, createdAt: p.createdAt.toISOString() };
}

/** Who sets a profile's picture URLs, and so what they may point at. */
type Author = 'user' | 'admin';

/** What anyone signed in may see of a user: no private field, no presence. */
export type UserCard = Pick<PeerProfile, 'id' | 'name' | 'avatarUrl'>;

/** Profiles and blocks. */
export class UserService {
  constructor(private readonly deps: { users: UserStore; blocks: BlockStore; directory: UserDirectory; media: MediaService }) {}

  async profile(userId: number): Promise<OwnProfile> {
    const profile = await this.deps.users.get(userId);
    if (!profile) throw new AppError('USER_NOT_FOUND', `user ${userId} does not exist`);
    return toOwnProfile(profile);
  }

  /**
   * `PUT /users/me`: a user's avatar and photos must be images they uploaded through /media;
   * they are stored under their canonical URL, so a peer is never sent to another host.
   */
  async updateOwnProfile(userId: number, patch: ProfilePatch): Promise<OwnProfile> {
    return this.update(userId, patch, 'user');
  }

  /**
   * The admin API, for the host application: any https URL (its own image servers), and this
   * server's media by canonical URL.
   */
  async updateProfile(userId: number, patch: ProfilePatch): Promise<OwnProfile> {
    return this.update(userId, patch, 'admin');
  }

  private async update(userId: number, patch: ProfilePatch, author: Author): Promise<OwnProfile> {
    const checked: ProfilePatch = { ...patch };
    if (patch.avatarUrl !== undefined && patch.avatarUrl !== null) checked.avatarUrl = await this.pictureUrl(userId, patch.avatarUrl, 'avatarUrl', author);
    if (patch.photoUrls !== undefined) {
      const photos: string[] = [];
      for (const [index, url] of patch.photoUrls.entries()) photos.push(await this.pictureUrl(userId, url, `photoUrls[${index}]`, author));
      checked.photoUrls = photos;
    }
    const before = await this.deps.users.get(userId);
    const profile = await this.deps.users.upsert(userId, checked);
    this.deps.directory.forget(userId);
    if (before) {
      // Pictures taken off the profile are deleted unless a message or an exchange still shows them.
      const kept = new Set([profile.avatarUrl, ...profile.photoUrls]);
      const dropped = [before.avatarUrl, ...before.photoUrls].filter((url): url is string => url !== null && !kept.has(url));
      await this.deps.media.release(userId, dropped);
    }
    return toOwnProfile(profile);
  }

  private async pictureUrl(userId: number, url: string, field: string, author: Author): Promise<string> {
    if (author === 'admin' && !this.deps.media.isOwnUrl(url)) {
      if (isHttpsUrl(url)) return url;
      throw new AppError('VALIDATION_FAILED', `${field}: must be an https URL or an image uploaded through /media`);
    }
    const record = await this.deps.media.claim(userId, url, 'image');
    if (!record) throw new AppError('VALIDATION_FAILED', `${field}: must be an image ${author === 'user' ? 'you' : `user ${userId}`} uploaded through /media`);
    return this.deps.media.urlOf(record.key);
  }

  /** A user's name and avatar, e.g. for a chat opened before the first message. */
  async card(userId: number): Promise<UserCard> {
    const profile = await this.deps.users.get(userId);
    if (!profile) throw new AppError('USER_NOT_FOUND', `user ${userId} does not exist`);
    return { id: profile.id, name: profile.name, avatarUrl: profile.avatarUrl };
  }

  async block(userId: number, targetId: number): Promise<void> {
    if (targetId === userId) throw new AppError('SELF_CHAT', 'userId: you cannot block yourself');
    if (!(await this.deps.users.get(targetId))) throw new AppError('USER_NOT_FOUND', `user ${targetId} does not exist`);
    await this.deps.blocks.block(userId, targetId);
  }

  async unblock(userId: number, targetId: number): Promise<void> {
    await this.deps.blocks.unblock(userId, targetId);
  }

  async blocked(userId: number): Promise<BlockItem[]> {
    return (await this.deps.blocks.list(userId)).map((b) => ({ userId: b.userId, createdAt: b.createdAt.toISOString() }));
  }
}

function isHttpsUrl(url: string): boolean {
  try {
    return new URL(url).protocol === 'https:';
  } catch {
    return false;
  }
}
