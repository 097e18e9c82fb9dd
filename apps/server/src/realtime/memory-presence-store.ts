import type { PresenceState, PresenceStore } from '../ports/presence-store.js';

/** Presence of a single node: online is exactly "this process holds a connection". */
export class MemoryPresenceStore implements PresenceStore {
  private readonly online = new Set<number>();
  private readonly lastSeen = new Map<number, Date>();

  async userConnected(userId: number): Promise<boolean> {
    if (this.online.has(userId)) return false;
    this.online.add(userId);
    return true;
  }

  async userDisconnected(userId: number, at: Date): Promise<boolean> {
    if (!this.online.delete(userId)) return false;
    this.lastSeen.set(userId, at);
    return true;
  }

  async lookup(userIds: readonly number[]): Promise<Map<number, PresenceState>> {
    const states = new Map<number, PresenceState>();
    for (const id of userIds) {
      states.set(id, { online: this.online.has(id), lastSeenAt: this.lastSeen.get(id) ?? null });
    }
    return states;
  }

  async close(): Promise<void> {}
}
