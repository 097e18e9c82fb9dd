type Pending<I, O> = { item: I; resolve: (o: O) => void; reject: (e: unknown) => void };

export interface SendQueueOptions<I> {
  maxBatch: number;
  concurrency: number;
  /**
   * Items with the same key are written in submission order: two batches holding the same key
   * never run at once (a later batch could otherwise commit first and take the lower seq).
   */
  orderKey?: (item: I) => string;
}

/**
 * Collects concurrent sends and commits them together (docs/architecture.md, decision 5): whatever has arrived while
 * a batch is in flight goes into the next one, up to `maxBatch` items and `concurrency` batches
 * at once. The writer settles each item on its own, so one item's failure reaches only its caller.
 */
export class SendQueue<I, O> {
  private pending: Pending<I, O>[] = [];
  private inFlight = 0;
  private pumpScheduled = false;
  private idle: (() => void)[] = [];
  /** Order keys held by batches in flight. */
  private readonly busyKeys = new Set<string>();

  constructor(
    private readonly writeBatch: (items: I[]) => Promise<PromiseSettledResult<O>[]>,
    private readonly options: SendQueueOptions<I>,
  ) {}

  submit(item: I): Promise<O> {
    return new Promise<O>((resolve, reject) => {
      this.pending.push({ item, resolve, reject });
      if (this.inFlight === 0) this.pumpSoon();
      else this.schedulePump();
    });
  }

  /** Resolves once everything submitted so far has been written (used on shutdown). */
  async drain(): Promise<void> {
    if (this.inFlight === 0 && this.pending.length === 0) return;
    await new Promise<void>((resolve) => this.idle.push(resolve));
  }

  /**
   * Starts batches on the next turn of the event loop, after pending I/O callbacks: sends that
   * arrive on other sockets meanwhile join the batch. Without it, a database that works on the
   * event loop itself (PGlite) would starve the sockets and every batch would hold one message.
   */
  /**
   * An idle queue adds no batching delay: the batch starts once the current callback is done
   * (it still collects what that callback submits, e.g. every frame of one socket read), not a
   * loop turn later behind every other pending callback. Batching then comes by itself: what
   * arrives while this batch is in flight waits for it, or for the next turn.
   */
  private pumpSoon(): void {
    if (this.pumpScheduled) return;
    this.pumpScheduled = true;
    queueMicrotask(() => {
      this.pumpScheduled = false;
      this.pump();
    });
  }

  private schedulePump(): void {
    if (this.pumpScheduled) return;
    this.pumpScheduled = true;
    setImmediate(() => {
      this.pumpScheduled = false;
      this.pump();
    });
  }

  private pump(): void {
    while (this.inFlight < this.options.concurrency && this.pending.length > 0) {
      const batch = this.takeBatch();
      if (batch.length === 0) return;
      const keys = this.options.orderKey ? new Set(batch.map((b) => this.options.orderKey!(b.item))) : new Set<string>();
      for (const key of keys) this.busyKeys.add(key);
      this.inFlight++;
      this.writeBatch(batch.map((b) => b.item))
        .then(
          (outcomes) =>
            batch.forEach((b, i) => {
              const outcome = outcomes[i];
              if (outcome?.status === 'fulfilled') b.resolve(outcome.value);
              else b.reject(outcome ? outcome.reason : new Error('send batch returned no outcome'));
            }),
          (error) => batch.forEach((b) => b.reject(error)),
        )
        .finally(() => {
          for (const key of keys) this.busyKeys.delete(key);
          this.inFlight--;
          this.schedulePump();
          if (this.inFlight === 0 && this.pending.length === 0) this.idle.splice(0).forEach((resolve) => resolve());
        });
    }
  }

  /** The next batch in submission order, leaving behind (in order) items whose key is held elsewhere. */
  private takeBatch(): Pending<I, O>[] {
    const orderKey = this.options.orderKey;
    if (!orderKey) return this.pending.splice(0, this.options.maxBatch);
    const batch: Pending<I, O>[] = [];
    const left: Pending<I, O>[] = [];
    // Keys of items left behind: a later item of that key must stay behind too, to keep order.
    const held = new Set<string>();
    for (const entry of this.pending) {
      const key = orderKey(entry.item);
      if (batch.length >= this.options.maxBatch || this.busyKeys.has(key) || held.has(key)) {
        held.add(key);
        left.push(entry);
      } else {
        batch.push(entry);
      }
    }
    this.pending = left;
    return batch;
  }
}
