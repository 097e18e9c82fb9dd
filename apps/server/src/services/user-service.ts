import type { BlockItem, OwnProfile } from '@parley/protocol';
import { AppError } from '../domain/app-error.js';
import type { BlockStore } from '../ports/block-store.js';
import type { ProfilePatch, UserProfile, UserStore } from '../ports/user-store.js';
import type { UserDirectory } from './user-directory.js';

export function toOwnProfile(p: UserProfile): OwnProfile {
  return { id: p.id, name: p.name, avatarUrl: p.avatarUrl, wechatId: p.wechatId, photoUrls: p.photoUrls, createdAt: p.createdAt.toISOString() };
}

/** Profiles and blocks. */
export class UserService {
  constructor(private readonly deps: { users: UserStore; blocks: BlockStore; directory: UserDirectory }) {}

  async profile(userId: number): Promise<OwnProfile> {
    const profile = await this.deps.users.get(userId);
    if (!profile) throw new AppError('USER_NOT_FOUND', `user ${userId} does not exist`);
    return toOwnProfile(profile);
  }

  async updateProfile(userId: number, patch: ProfilePatch): Promise<OwnProfile> {
    const profile = await this.deps.users.upsert(userId, patch);
    this.deps.directory.forget(userId);
    return toOwnProfile(profile);
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
