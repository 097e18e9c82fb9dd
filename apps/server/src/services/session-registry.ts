import type { ClientSession } from '../ports/client-session.js';

export interface SessionLifecycle {
  /** The first connection of a user on this node opened. */
  firstSessionOpened(userId: number): Promise<void>;
  /** The last connection of a user on this node closed. */
  lastSessionClosed(userId: number): Promise<void>;
}

/** This node's live connections, by user. Doors add and remove; delivery reads. */
export class SessionRegistry {
  private readonly byUser = new Map<number, Set<ClientSession>>();
  private readonly byId = new Map<string, ClientSession>();
  private readonly listeners: SessionLifecycle[] = [];

  onLifecycle(listener: SessionLifecycle): void {
    this.listeners.push(listener);
  }

  async add(session: ClientSession): Promise<void> {
    this.byId.set(session.id, session);
    let sessions = this.byUser.get(session.userId);
    const first = !sessions;
    if (!sessions) {
      sessions = new Set();
      this.byUser.set(session.userId, sessions);
    }
    sessions.add(session);
    if (first) for (const l of this.listeners) await l.firstSessionOpened(session.userId);
  }

  async remove(session: ClientSession): Promise<void> {
    if (!this.byId.delete(session.id)) return;
    const sessions = this.byUser.get(session.userId);
    sessions?.delete(session);
    if (sessions && sessions.size === 0) {
      this.byUser.delete(session.userId);
      for (const l of this.listeners) await l.lastSessionClosed(session.userId);
    }
  }

  sessionsOf(userId: number): ReadonlySet<ClientSession> {
    return this.byUser.get(userId) ?? EMPTY;
  }

  get(sessionId: string): ClientSession | undefined {
    return this.byId.get(sessionId);
  }

  all(): ClientSession[] {
    return [...this.byId.values()];
  }

  get size(): number {
    return this.byId.size;
  }
}

const EMPTY: ReadonlySet<ClientSession> = new Set();
