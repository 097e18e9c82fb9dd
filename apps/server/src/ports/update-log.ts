import type { SyncPage } from '@parley/protocol';

/** Read side of the per-user update log: what `GET /sync?since=N` replays (docs/architecture.md, decision 2). */
export interface UpdateLog {
  /** Entries with userSeq > since, ascending, at most `limit`, rendered as the user sees them now. */
  since(userId: number, since: number, limit: number): Promise<SyncPage>;
}
