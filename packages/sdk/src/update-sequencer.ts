import type { SyncEvent, SyncPage } from '@parley/protocol';

/** How an event reached the client. */
export type EventSource = 'push' | 'sync';

/** @internal Options of UpdateSequencer. */
export interface UpdateSequencerOptions {
  /** Reads the update log after `since` (GET /sync). */
  fetchPage: (since: number, limit: number) => Promise<SyncPage>;
  /** Hands one event to the app, in userSeq order, each userSeq once. */
  apply: (event: SyncEvent, source: EventSource) => void;
  /** Called after every completed sync round. */
  onSynced?: (userSeq: number, applied: number) => void;
  onError?: (error: unknown) => void;
  pageSize?: number;
  /** Sync rounds a lasting gap may cost before its events are applied anyway. */
  maxRounds?: number;
  initialUserSeq?: number | null;
  /** Delay before retrying a failed background sync, ms (default 2000). */
  retryDelayMs?: number;
}

/**
 * Turns at-least-once, possibly reordered or lossy pushes into the user's update log applied in
 * order, each entry once (docs/sdk.md, "How delivery stays exact"). A push whose `userSeq` is the last + 1 is applied at once;
 * an older one is a duplicate and dropped; a newer one reveals a gap: it waits while `/sync` fills
 * the gap, then is applied in order. `sync()` is also called after every (re)connect.
 *
 * Before any baseline is known (`userSeq` null), the first sync only reads the latest userSeq and
 * applies what was pushed meanwhile; state before that point is the app's to load over REST.
 */
export class UpdateSequencer {
  private last: number | null;
  private pending: SyncEvent[] = [];
  private running: Promise<void> | null = null;
  private again = false;
  private retryTimer: ReturnType<typeof setTimeout> | null = null;
  private readonly pageSize: number;
  private readonly maxRounds: number;

  constructor(private readonly options: UpdateSequencerOptions) {
    this.last = options.initialUserSeq ?? null;
    this.pageSize = options.pageSize ?? 500;
    this.maxRounds = options.maxRounds ?? 3;
  }

  /** The last applied userSeq, or null before a baseline is known. */
  get userSeq(): number | null {
    return this.last;
  }

  /** Sets the baseline when none is known yet (e.g. from the conversation list's `userSeq`). */
  setBaseline(userSeq: number): void {
    if (this.last === null && !this.running) this.last = userSeq;
  }

  /** Takes one pushed event that carried a userSeq. */
  receive(event: SyncEvent): void {
    if (this.running || this.last === null) {
      this.pending.push(event);
      if (!this.running) this.syncInBackground();
      return;
    }
    if (event.userSeq <= this.last) return;
    if (event.userSeq === this.last + 1) {
      this.last = event.userSeq;
      this.options.apply(event, 'push');
      return;
    }
    this.pending.push(event);
    this.syncInBackground();
  }

  /** Stops a scheduled retry. */
  dispose(): void {
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = null;
  }

  private syncInBackground(): void {
    this.sync().catch((error: unknown) => {
      this.options.onError?.(error);
      if (this.pending.length > 0 && !this.retryTimer) {
        this.retryTimer = setTimeout(() => {
          this.retryTimer = null;
          this.syncInBackground();
        }, this.options.retryDelayMs ?? 2000);
      }
    });
  }

  /**
   * Reads the log from the last applied userSeq until the end, then applies the waiting pushes.
   * Concurrent calls share the running sync, which then makes one more round. Rejects when the
   * log could not be read (waiting pushes stay queued for the next sync).
   */
  sync(): Promise<void> {
    if (this.running) {
      this.again = true;
      return this.running;
    }
    this.running = this.run().finally(() => {
      this.running = null;
    });
    return this.running;
  }

  private async run(): Promise<void> {
    let rounds = 0;
    do {
      this.again = false;
      rounds++;
      let applied = 0;
      if (this.last === null) {
        const head = await this.options.fetchPage(0, 1);
        this.last = head.userSeq;
        // Pushed while we looked: those up to the head are applied as they are (the message dedup
        // drops any overlap); later ones must follow on from the head without a gap, as any push.
        for (const event of this.takePending()) {
          if (event.userSeq > head.userSeq) {
            this.pending.push(event);
          } else {
            this.options.apply(event, 'push');
            applied++;
          }
        }
      } else {
        applied += await this.readLog();
      }
      applied += this.drainPending(rounds >= this.maxRounds);
      if (this.pending.length > 0) this.again = true;
      this.options.onSynced?.(this.last, applied);
    } while (this.again);
  }

  private async readLog(): Promise<number> {
    let applied = 0;
    for (;;) {
      const since = this.last as number;
      const page = await this.options.fetchPage(since, this.pageSize);
      for (const event of page.events) {
        if (event.userSeq <= (this.last as number)) continue;
        this.last = event.userSeq;
        this.options.apply(event, 'sync');
        applied++;
      }
      if (!page.hasMore || page.events.length === 0) {
        this.last = Math.max(this.last as number, page.userSeq);
        return applied;
      }
    }
  }

  /** Applies waiting pushes that now follow on; with `force`, also those after a lasting gap. */
  private drainPending(force: boolean): number {
    let applied = 0;
    const waiting = this.takePending();
    for (const event of waiting) {
      const last = this.last as number;
      if (event.userSeq <= last) continue;
      if (event.userSeq === last + 1 || force) {
        this.last = event.userSeq;
        this.options.apply(event, 'push');
        applied++;
      } else {
        this.pending.push(event);
      }
    }
    return applied;
  }

  private takePending(): SyncEvent[] {
    const waiting = this.pending.sort((a, b) => a.userSeq - b.userSeq);
    this.pending = [];
    return waiting.filter((e, i) => i === 0 || e.userSeq !== waiting[i - 1]?.userSeq);
  }
}
