import type { PresenceItem } from '@parley/protocol';
import type { Clock } from '../ports/clock.js';
import type { ConversationStore, PeerRelation } from '../ports/conversation-store.js';
import type { PresenceStore } from '../ports/presence-store.js';
import type { UserStore } from '../ports/user-store.js';
import type { DeliveryService } from './delivery-service.js';
import type { SessionLifecycle } from './session-registry.js';

/**
 * Who may see a user's online status: `conversation` — everyone they share a conversation
 * with; `mutual` — only peers with whom both have written, so a stranger cannot learn whether
 * someone is online by sending them one message. Under either scope a block, in either
 * direction, hides each from the other.
 */
export type PresenceScope = 'conversation' | 'mutual';

/**
 * Online status: a user is online while any connection is live on any node. Transitions go
 * only to online peers who may see them (see PresenceScope), and lookups reveal only those.
 */
export class PresenceService implements SessionLifecycle {
  constructor(
    private readonly deps: {
      presence: PresenceStore;
      conversations: ConversationStore;
      users: UserStore;
      delivery: DeliveryService;
      clock: Clock;
      scope: PresenceScope;
    },
  ) {
    deps.presence.onExpired?.((expiry) => this.expired(expiry.userIds, expiry.at));
  }

  async firstSessionOpened(userId: number): Promise<void> {
    if (await this.deps.presence.userConnected(userId)) await this.announce(userId, true, null);
  }

  async lastSessionClosed(userId: number): Promise<void> {
    const at = this.deps.clock.now();
    if (!(await this.deps.presence.userDisconnected(userId, at))) return;
    await this.deps.users.setLastSeen(userId, at);
    await this.announce(userId, false, at);
  }

  /** Users of a dead node went offline (reported to this node only): record and announce, once. */
  private async expired(userIds: readonly number[], at: Date): Promise<void> {
    for (const userId of userIds) {
      try {
        await this.deps.users.setLastSeen(userId, at);
        await this.announce(userId, false, at);
      } catch {
        // Best effort: the store already took the user offline; lookups report it either way.
      }
    }
  }

  /** Presence of `ids` as `viewerId` may see it: only the viewer and the peers allowed to see each other are revealed. */
  async lookup(viewerId: number, ids: readonly number[]): Promise<PresenceItem[]> {
    const unique = [...new Set(ids)];
    const peers = new Set(await this.visiblePeers(viewerId, unique.filter((id) => id !== viewerId)));
    const visible = unique.filter((id) => id === viewerId || peers.has(id));
    const [states, profiles] = await Promise.all([this.deps.presence.lookup(visible), this.deps.users.getMany(visible)]);
    return unique.map((userId) => {
      const state = states.get(userId);
      if (!state) return { userId, online: false, lastSeenAt: null };
      const lastSeen = state.online ? null : (state.lastSeenAt ?? profiles.get(userId)?.lastSeenAt ?? null);
      return { userId, online: state.online, lastSeenAt: lastSeen ? lastSeen.toISOString() : null };
    });
  }

  private async announce(userId: number, online: boolean, at: Date | null): Promise<void> {
    const peers = await this.visiblePeers(userId);
    if (peers.length === 0) return;
    const states = await this.deps.presence.lookup(peers);
    const onlinePeers = peers.filter((id) => states.get(id)?.online);
    await this.deps.delivery.publish({
      kind: 'presence',
      body: { userId, online, lastSeenAt: at ? at.toISOString() : null },
      recipients: onlinePeers.map((id) => ({ userId: id, userSeq: null })),
    });
  }

  /** The user's peers (of `candidates`, when given) who may see the user's presence, and whose presence the user may see: the rule is symmetric. */
  private async visiblePeers(userId: number, candidates?: readonly number[]): Promise<number[]> {
    const mutual = this.deps.scope === 'mutual';
    const relations = await this.deps.conversations.peerRelations(userId, { ...(candidates ? { candidates } : {}), withWriting: mutual });
    return relations.filter((r) => mayShare(r, mutual)).map((r) => r.peerId);
  }
}

function mayShare(relation: PeerRelation, mutual: boolean): boolean {
  return !relation.blocked && (!mutual || relation.bothWrote);
}
