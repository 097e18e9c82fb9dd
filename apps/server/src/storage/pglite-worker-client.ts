import { Worker, type WorkerOptions } from 'node:worker_threads';
import type { SqlClient, SqlExecutor } from './sql-client.js';
import { fromWorkerError } from './pglite-worker-errors.js';
import type { PgliteWorkerData, PgliteWorkerReply, PgliteWorkerRequest } from './pglite-worker-messages.js';

type Request = PgliteWorkerRequest extends infer R ? (R extends PgliteWorkerRequest ? Omit<R, 'id'> : never) : never;

interface Pending {
  resolve(rows: unknown[] | undefined): void;
  reject(error: Error): void;
}

/**
 * Embedded PostgreSQL (PGlite) in a worker thread: the same database as `PgliteSqlClient`, but
 * its WASM work runs beside the server's event loop instead of on it, so sockets and queries do
 * not queue behind each other. Rows arrive as structured clones (Dates, arrays, JSON stay as they
 * are); errors keep their PostgreSQL fields. One connection, as in process: transactions run one
 * at a time, and no other statement runs inside one.
 */
export class PgliteWorkerClient implements SqlClient {
  readonly kind = 'pglite' as const;

  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  /** Set once the worker is gone: every call from then on fails with it. */
  private stopped: Error | null = null;

  private constructor(private readonly worker: Worker) {
    worker.on('message', (reply: PgliteWorkerReply) => {
      if (!('id' in reply)) return;
      const waiter = this.pending.get(reply.id);
      this.pending.delete(reply.id);
      if (reply.kind === 'done') waiter?.resolve(reply.rows);
      else waiter?.reject(fromWorkerError(reply.error));
    });
    worker.on('error', (error) => this.stop(new Error(`PGlite worker failed: ${error.message}`, { cause: error })));
    worker.on('exit', (code) => this.stop(new Error(`PGlite worker exited (code ${code})`)));
  }

  /**
   * `dataDir` is a directory, or `memory://` for a database that lives only while the worker
   * does. `workerOptions` reach the thread (`execArgv`, `resourceLimits`); by default it inherits
   * this process's flags.
   */
  static async open(dataDir: string, workerOptions: Pick<WorkerOptions, 'execArgv' | 'resourceLimits'> = {}): Promise<PgliteWorkerClient> {
    const workerData: PgliteWorkerData = { dataDir };
    const worker = startWorker({ ...workerOptions, workerData });
    await new Promise<void>((resolve, reject) => {
      const settle = (reply: PgliteWorkerReply) => {
        worker.off('error', fail);
        worker.off('exit', exited);
        if (reply.kind === 'ready') resolve();
        else if (reply.kind === 'failed') reject(fromWorkerError(reply.error));
      };
      const fail = (error: Error) => {
        worker.off('message', settle);
        worker.off('exit', exited);
        reject(error);
      };
      const exited = (code: number) => fail(new Error(`PGlite worker exited before it was ready (code ${code})`));
      worker.once('message', settle);
      worker.once('error', fail);
      worker.once('exit', exited);
    });
    return new PgliteWorkerClient(worker);
  }

  async query<R>(text: string, params?: readonly unknown[]): Promise<R[]> {
    return (await this.call({ kind: 'query', text, params })) as R[];
  }

  async transaction<T>(work: (tx: SqlExecutor) => Promise<T>): Promise<T> {
    const transaction = await this.begin();
    let open = true;
    const tx: SqlExecutor = {
      query: async <R>(text: string, params?: readonly unknown[]) => {
        if (!open) throw new Error('This transaction has already ended');
        return (await this.call({ kind: 'query', text, params, transaction })) as R[];
      },
    };
    let result: T;
    try {
      result = await work(tx);
    } catch (error) {
      open = false;
      await this.call({ kind: 'end', transaction, commit: false });
      throw error;
    }
    open = false;
    await this.call({ kind: 'end', transaction, commit: true });
    return result;
  }

  async exec(script: string): Promise<void> {
    await this.call({ kind: 'exec', script });
  }

  async close(): Promise<void> {
    if (this.stopped) return;
    await this.call({ kind: 'close' });
    await this.worker.terminate();
  }

  /** Opens a transaction in the worker; its id addresses the statements that belong to it. */
  private async begin(): Promise<number> {
    const id = this.nextId;
    await this.call({ kind: 'begin' });
    return id;
  }

  private call(request: Request): Promise<unknown[] | undefined> {
    if (this.stopped) return Promise.reject(this.stopped);
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.worker.postMessage({ ...request, id } as PgliteWorkerRequest);
    });
  }

  private stop(reason: Error): void {
    if (this.stopped) return;
    this.stopped = reason;
    for (const waiter of this.pending.values()) waiter.reject(reason);
    this.pending.clear();
  }
}

/**
 * The worker's module sits next to this one: compiled JavaScript in a build. Run from source (the
 * tests, the benches, `npm run dev`), it is TypeScript, and a worker thread does not inherit the
 * parent's TypeScript loader, so the thread registers tsx itself before importing it.
 */
function startWorker(options: WorkerOptions): Worker {
  if (!import.meta.url.endsWith('.ts')) return new Worker(new URL('./pglite-worker.js', import.meta.url), options);
  const workerUrl = new URL('./pglite-worker.ts', import.meta.url).href;
  const tsxUrl = import.meta.resolve('tsx/esm/api');
  const bootstrap = `import(${JSON.stringify(tsxUrl)}).then((tsx) => { tsx.register(); return import(${JSON.stringify(workerUrl)}); })`;
  return new Worker(bootstrap, { ...options, eval: true });
}
