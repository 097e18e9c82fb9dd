/**
 * The worker-thread side of `PgliteWorkerClient`: owns the PGlite instance so its WASM work runs
 * on a core of its own instead of the server's event loop, and answers the server thread's
 * requests. Transactions use PGlite's own, so ordering matches the in-process client exactly.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { PgliteSqlClient } from './pglite-sql-client.js';
import type { SqlExecutor } from './sql-client.js';
import { toWorkerError } from './pglite-worker-errors.js';
import type { PgliteWorkerData, PgliteWorkerReply, PgliteWorkerRequest } from './pglite-worker-messages.js';

type TransactionRequest = Extract<PgliteWorkerRequest, { kind: 'query' | 'end' }>;

/** The requests of one open transaction, handed to it in order as they arrive. */
class TransactionInbox {
  private readonly waiting: TransactionRequest[] = [];
  private wake: ((request: TransactionRequest) => void) | null = null;

  push(request: TransactionRequest): void {
    if (this.wake) {
      const wake = this.wake;
      this.wake = null;
      wake(request);
    } else {
      this.waiting.push(request);
    }
  }

  next(): Promise<TransactionRequest> {
    const request = this.waiting.shift();
    if (request) return Promise.resolve(request);
    return new Promise((resolve) => (this.wake = resolve));
  }
}

/** Thrown inside PGlite's transaction to make it roll back when the server thread's work threw. */
const ROLL_BACK = Symbol('roll back');

const port = parentPort!;
const send = (reply: PgliteWorkerReply) => port.postMessage(reply);
const answer = (id: number, work: Promise<unknown[] | void>) =>
  work.then(
    (rows) => send({ id, kind: 'done', rows: rows ?? undefined }),
    (error: unknown) => send({ id, kind: 'error', error: toWorkerError(error) }),
  );

let db: PgliteSqlClient;
try {
  db = await PgliteSqlClient.open((workerData as PgliteWorkerData).dataDir);
} catch (error) {
  send({ kind: 'failed', error: toWorkerError(error) });
  process.exit(1);
}

const transactions = new Map<number, TransactionInbox>();

async function runTransaction(id: number, inbox: TransactionInbox): Promise<void> {
  let end: Extract<TransactionRequest, { kind: 'end' }> | undefined;
  try {
    await db.transaction(async (tx: SqlExecutor) => {
      send({ id, kind: 'done' });
      for (;;) {
        const request = await inbox.next();
        if (request.kind === 'end') {
          end = request;
          if (!request.commit) throw ROLL_BACK;
          return;
        }
        await answer(request.id, tx.query(request.text, request.params));
      }
    });
    send({ id: end!.id, kind: 'done' });
  } catch (error) {
    if (!end) send({ id, kind: 'error', error: toWorkerError(error) });
    else if (error === ROLL_BACK) send({ id: end.id, kind: 'done' });
    else send({ id: end.id, kind: 'error', error: toWorkerError(error) });
  } finally {
    transactions.delete(id);
  }
}

port.on('message', (request: PgliteWorkerRequest) => {
  switch (request.kind) {
    case 'query': {
      if (request.transaction === undefined) void answer(request.id, db.query(request.text, request.params));
      else transactions.get(request.transaction)?.push(request);
      return;
    }
    case 'end':
      transactions.get(request.transaction)?.push(request);
      return;
    case 'begin': {
      const inbox = new TransactionInbox();
      transactions.set(request.id, inbox);
      void runTransaction(request.id, inbox);
      return;
    }
    case 'exec':
      void answer(request.id, db.exec(request.script));
      return;
    case 'close':
      void answer(request.id, db.close()).then(() => port.close());
      return;
  }
});

send({ kind: 'ready' });
