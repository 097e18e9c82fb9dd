import { isRetryableErrorCode } from '@parley/protocol';
import { Backoff, type BackoffOptions } from './backoff.js';
import { ParleyError } from './errors.js';
import type { SignalRConnection } from './signalr-connection.js';

/**
 * @internal
 * One operation on a message or a conversation (edit, react, hide, settings, clear, report,
 * unmatch): a hub method while the SignalR connection is up, its REST route otherwise.
 */
export interface Operation<T> {
  /** For error messages. */
  name: string;
  /**
   * True when repeating it cannot do more than doing it once (set this reaction, hide this
   * message, set these flags, this edit's content): such an operation is repeated also after an
   * attempt whose answer was lost. A report is not: a lost answer may mean it was stored.
   */
  idempotent: boolean;
  /** The hub method and its arguments, and how its Completion's result becomes T. */
  hub?: { method: string; args: readonly unknown[]; result: (value: unknown) => T };
  rest: () => Promise<T>;
}

/** @internal Options of OperationRunner. */
export interface OperationRunnerOptions {
  /** Attempts in all before the last error is handed to the caller (default 5). */
  maxAttempts?: number;
  /** Delays between attempts (default 500 ms doubling to 8 s, with jitter); RATE_LIMITED waits its `retryAfterMs`. */
  backoff?: BackoffOptions;
}

/**
 * @internal
 * Runs operations with the retry rules of the message outbox: a refusal (FORBIDDEN,
 * EDIT_WINDOW_PASSED, CONTENT_REJECTED, USER_MUTED, …) is final and rejects at once; a code of
 * RETRYABLE_ERROR_CODES is retried after a delay; a request that got no answer (NETWORK) is
 * retried only when the operation is idempotent. A retry after a lost SignalR connection goes
 * over REST. Operations live as long as the client (unlike messages they are not persisted).
 */
export class OperationRunner {
  private readonly maxAttempts: number;

  constructor(
    private readonly connectedHub: () => SignalRConnection | null,
    private readonly options: OperationRunnerOptions = {},
  ) {
    this.maxAttempts = Math.max(1, options.maxAttempts ?? 5);
  }

  async run<T>(operation: Operation<T>): Promise<T> {
    const backoff = new Backoff({ initialDelayMs: 500, maxDelayMs: 8000, ...this.options.backoff });
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.once(operation);
      } catch (error) {
        if (!(error instanceof ParleyError) || attempt >= this.maxAttempts || !worthRepeating(error, operation)) throw error;
        await delay(error.details.retryAfterMs ?? backoff.next());
      }
    }
  }

  private async once<T>(operation: Operation<T>): Promise<T> {
    const hub = operation.hub ? this.connectedHub() : null;
    if (hub && operation.hub) return operation.hub.result(await hub.invoke(operation.hub.method, operation.hub.args));
    return operation.rest();
  }
}

function worthRepeating(error: ParleyError, operation: Operation<unknown>): boolean {
  if (error.code === 'NETWORK') return operation.idempotent;
  // INTERNAL may have happened after the change was stored; only an idempotent operation risks nothing.
  if (error.code === 'INTERNAL') return operation.idempotent;
  return isRetryableErrorCode(error.code);
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
