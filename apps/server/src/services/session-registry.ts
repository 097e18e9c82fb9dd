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
  /** Lifecycle callbacks still running: shutdown waits for them before the stores close. */
  private readonly inFlight = new Set<Promise<void>>();

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
    if (first) await this.track(this.notify((l) => l.firstSessionOpened(session.userId)));
  }

  async remove(session: ClientSession): Promise<void> {
    if (!this.byId.delete(session.id)) return;
    const sessions = this.byUser.get(session.userId);
    sessions?.delete(session);
    if (sessions && sessions.size === 0) {
      this.byUser.delete(session.userId);
      await this.track(this.notify((l) => l.lastSessionClosed(session.userId)));
    }
  }

  /**
   * Shutdown: unregisters every session still here (the doors' own later remove is then a
   * no-op) and resolves once every lifecycle callback — ours and those the doors started — has
   * finished, so their writes (last seen, offline announcements) complete before the stores
   * close. Failures were already reported to whoever started the callback, or are dropped here.
   */
  async removeAll(): Promise<void> {
    await Promise.allSettled(this.all().map((session) => this.remove(session)));
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
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

  private async notify(call: (listener: SessionLifecycle) => Promise<void>): Promise<void> {
    for (const listener of this.listeners) await call(listener);
  }

  private track(work: Promise<void>): Promise<void> {
    this.inFlight.add(work);
    const forget = () => void this.inFlight.delete(work);
    work.then(forget, forget);
    return work;
  }
}

const EMPTY: ReadonlySet<ClientSession> = new Set();
