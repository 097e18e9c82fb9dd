import type { ProfilePatch, UserStore } from '../ports/user-store.js';

/**
 * Makes sure a user row exists for every authenticated id and keeps `name`/`avatar` claims
 * fresh, without a database write per request: it remembers what it last wrote, and a user
 * who opens several connections at once (a reconnect storm, a page opening its socket and its
 * REST calls together) shares the one write already under way.
 */
export class UserDirectory {
  private readonly known = new Map<number, string>();
  private readonly writing = new Map<string, Promise<void>>();

  constructor(
    private readonly users: UserStore,
    private readonly maxRemembered = 100_000,
  ) {}

  async ensure(userId: number, claims: { name?: string; avatar?: string }): Promise<void> {
    const patch: ProfilePatch = {};
    if (claims.name !== undefined) patch.name = claims.name;
    if (claims.avatar !== undefined) patch.avatarUrl = claims.avatar;
    const fingerprint = JSON.stringify(patch);
    if (this.known.get(userId) === fingerprint) return;
    const key = `${userId}\u0000${fingerprint}`;
    const underWay = this.writing.get(key);
    if (underWay) return underWay;
    const write = this.write(userId, patch, fingerprint).finally(() => this.writing.delete(key));
    this.writing.set(key, write);
    return write;
  }

  /** Forget a user (after an admin change) so the next request writes again. */
  forget(userId: number): void {
    this.known.delete(userId);
  }

  private async write(userId: number, patch: ProfilePatch, fingerprint: string): Promise<void> {
    await this.users.upsert(userId, patch);
    if (this.known.size >= this.maxRemembered) this.known.clear();
    this.known.set(userId, fingerprint);
  }
}
