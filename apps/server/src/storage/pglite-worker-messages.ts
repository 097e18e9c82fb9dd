/** What the server thread and the PGlite worker thread say to each other. */

/** Opens PGlite at `dataDir` (a directory or `memory://`); handed over as the worker's data. */
export interface PgliteWorkerData {
  dataDir: string;
}

export type PgliteWorkerRequest =
  | { id: number; kind: 'query'; text: string; params?: readonly unknown[]; transaction?: number }
  | { id: number; kind: 'exec'; script: string }
  /** Answered once BEGIN has run; the request's id then names the transaction. */
  | { id: number; kind: 'begin' }
  /** Answered once COMMIT (or ROLLBACK when `commit` is false) has run. */
  | { id: number; kind: 'end'; transaction: number; commit: boolean }
  | { id: number; kind: 'close' };

/** A PostgreSQL error's message and its fields (`code`, `detail`, `constraint`…), which callers match on. */
export interface PgliteWorkerError {
  name: string;
  message: string;
  fields: Record<string, string | number | boolean>;
}

export type PgliteWorkerReply =
  | { kind: 'ready' }
  | { kind: 'failed'; error: PgliteWorkerError }
  | { id: number; kind: 'done'; rows?: unknown[] }
  | { id: number; kind: 'error'; error: PgliteWorkerError };
