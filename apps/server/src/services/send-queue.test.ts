import { describe, expect, it } from 'vitest';
import { SendQueue } from './send-queue.js';

/** A controllable writer: records each batch and resolves it when the test says so. */
function gatedWriter<I>() {
  const batches: I[][] = [];
  const gates: { resolve: () => void; reject: (e: unknown) => void }[] = [];
  const write = (items: I[]) => {
    batches.push([...items]);
    return new Promise<PromiseSettledResult<string>[]>((resolve, reject) => {
      gates.push({ resolve: () => resolve(items.map((i) => ({ status: 'fulfilled', value: `done:${String(i)}` }))), reject });
    });
  };
  return { batches, gates, write };
}

const turn = () => new Promise((resolve) => setImmediate(resolve));
/** Lets a settled batch run its callbacks and the queue start its next batch (one turn each). */
const tick = async () => {
  await turn();
  await turn();
};

describe('SendQueue', () => {
  it('batches what arrives in one turn, and whatever arrives while a batch is in flight', async () => {
    const writer = gatedWriter<number>();
    const queue = new SendQueue(writer.write, { maxBatch: 100, concurrency: 1 });
    const results = [queue.submit(1)];
    // Nothing is written synchronously: the batch starts after pending I/O had its turn.
    expect(writer.batches).toEqual([]);
    await tick();
    expect(writer.batches).toEqual([[1]]);
    results.push(...[2, 3, 4, 5].map((i) => queue.submit(i)));
    await tick();
    expect(writer.batches).toEqual([[1]]);
    writer.gates[0]!.resolve();
    await tick();
    expect(writer.batches).toEqual([[1], [2, 3, 4, 5]]);
    writer.gates[1]!.resolve();
    expect(await Promise.all(results)).toEqual(['done:1', 'done:2', 'done:3', 'done:4', 'done:5']);
  });

  it('never puts more than maxBatch items in a batch and keeps submission order', async () => {
    const writer = gatedWriter<number>();
    const queue = new SendQueue(writer.write, { maxBatch: 3, concurrency: 1 });
    const results = Array.from({ length: 8 }, (_, i) => queue.submit(i));
    await tick();
    for (let i = 0; i < 3 && writer.gates[i]; i++) {
      writer.gates[i]!.resolve();
      await tick();
    }
    expect(await Promise.all(results)).toEqual(Array.from({ length: 8 }, (_, i) => `done:${i}`));
    expect(writer.batches).toEqual([[0, 1, 2], [3, 4, 5], [6, 7]]);
  });

  it('keeps at most `concurrency` batches in flight', async () => {
    const writer = gatedWriter<number>();
    const queue = new SendQueue(writer.write, { maxBatch: 2, concurrency: 2 });
    const results = Array.from({ length: 7 }, (_, i) => queue.submit(i));
    await tick();
    expect(writer.batches).toEqual([[0, 1], [2, 3]]);
    writer.gates[1]!.resolve();
    await tick();
    expect(writer.batches).toEqual([[0, 1], [2, 3], [4, 5]]);
    writer.gates[0]!.resolve();
    await tick();
    expect(writer.batches).toEqual([[0, 1], [2, 3], [4, 5], [6]]);
    writer.gates[2]!.resolve();
    writer.gates[3]!.resolve();
    expect(await Promise.all(results)).toHaveLength(7);
    expect(writer.batches.flat()).toEqual([0, 1, 2, 3, 4, 5, 6]);
  });

  it('fails only the callers of a failed batch and carries on', async () => {
    const writer = gatedWriter<number>();
    const queue = new SendQueue(writer.write, { maxBatch: 10, concurrency: 1 });
    const first = queue.submit(1);
    await tick();
    const second = [queue.submit(2), queue.submit(3)];
    writer.gates[0]!.reject(new Error('database down'));
    await expect(first).rejects.toThrow('database down');
    await tick();
    writer.gates[1]!.resolve();
    expect(await Promise.all(second)).toEqual(['done:2', 'done:3']);
  });

  it('settles each item on its own: one rejected item fails only its caller', async () => {
    const queue = new SendQueue<number, number>(
      async (items) => items.map((i) => (i === 2 ? { status: 'rejected', reason: new Error('poison') } : { status: 'fulfilled', value: i * 10 })),
      { maxBatch: 10, concurrency: 1 },
    );
    const results = await Promise.allSettled([1, 2, 3].map((i) => queue.submit(i)));
    expect(results.map((r) => (r.status === 'fulfilled' ? r.value : (r.reason as Error).message))).toEqual([10, 'poison', 30]);
  });

  it('fails a caller whose item got no outcome rather than leaving it hanging', async () => {
    const queue = new SendQueue<number, number>(async () => [], { maxBatch: 10, concurrency: 1 });
    await expect(queue.submit(1)).rejects.toThrow(/no outcome/);
  });

  it('fails the callers when the writer rejects', async () => {
    const queue = new SendQueue<number, number>(async () => {
      throw new Error('boom');
    }, { maxBatch: 10, concurrency: 1 });
    await expect(queue.submit(1)).rejects.toThrow('boom');
    await expect(queue.submit(2)).rejects.toThrow('boom');
  });

  it('drain resolves at once when idle, and after everything submitted was written', async () => {
    const writer = gatedWriter<number>();
    const queue = new SendQueue(writer.write, { maxBatch: 10, concurrency: 1 });
    await queue.drain();
    const results = [queue.submit(1)];
    await tick();
    results.push(queue.submit(2));
    let drained = false;
    const draining = queue.drain().then(() => (drained = true));
    writer.gates[0]!.resolve();
    await tick();
    expect(drained).toBe(false);
    writer.gates[1]!.resolve();
    await draining;
    expect(drained).toBe(true);
    expect(await Promise.all(results)).toEqual(['done:1', 'done:2']);
  });
});

describe('SendQueue with an order key', () => {
  it('never runs two batches holding the same key at once, so each key is written in submission order', async () => {
    const writer = gatedWriter<string>();
    const queue = new SendQueue(writer.write, { maxBatch: 10, concurrency: 4, orderKey: (item: string) => item.split(':')[0]! });
    const results = [queue.submit('a:1')];
    await tick();
    expect(writer.batches).toEqual([['a:1']]);
    // While a:1 is in flight, a:2 waits; b and c go ahead in a concurrent batch.
    results.push(queue.submit('a:2'), queue.submit('b:1'), queue.submit('c:1'), queue.submit('a:3'));
    await tick();
    expect(writer.batches).toEqual([['a:1'], ['b:1', 'c:1']]);
    writer.gates[0]!.resolve();
    await tick();
    expect(writer.batches).toEqual([['a:1'], ['b:1', 'c:1'], ['a:2', 'a:3']]);
    writer.gates[1]!.resolve();
    writer.gates[2]!.resolve();
    expect(await Promise.all(results)).toEqual(['done:a:1', 'done:a:2', 'done:b:1', 'done:c:1', 'done:a:3']);
  });

  it('keeps a key behind once one of its items did not fit the batch', async () => {
    const writer = gatedWriter<string>();
    const queue = new SendQueue(writer.write, { maxBatch: 2, concurrency: 4, orderKey: (item: string) => item.split(':')[0]! });
    const results = ['a:1', 'b:1', 'a:2', 'c:1'].map((item) => queue.submit(item));
    await tick();
    // a:2 did not fit the first batch and a is in flight: it waits, while c goes ahead.
    expect(writer.batches).toEqual([['a:1', 'b:1'], ['c:1']]);
    writer.gates[0]!.resolve();
    await tick();
    expect(writer.batches).toEqual([['a:1', 'b:1'], ['c:1'], ['a:2']]);
    writer.gates[1]!.resolve();
    writer.gates[2]!.resolve();
    expect(await Promise.all(results)).toHaveLength(4);
  });

  it('starts at once when idle: no loop turn of delay, yet one batch for what one callback submits', async () => {
    const writer = gatedWriter<number>();
    const queue = new SendQueue(writer.write, { maxBatch: 100, concurrency: 1 });
    // An I/O callback that was already pending when the sends came in (setImmediate stands in for it).
    const pendingCallback = new Promise<number[][]>((resolve) => setImmediate(() => resolve(writer.batches.map((b) => [...b]))));
    const results = [queue.submit(1), queue.submit(2)];
    expect(await pendingCallback).toEqual([[1, 2]]);
    writer.gates[0]!.resolve();
    expect(await Promise.all(results)).toEqual(['done:1', 'done:2']);
  });

  it('after a batch, waits one loop turn so that sends read meanwhile join the next batch', async () => {
    const writer = gatedWriter<number>();
    const queue = new SendQueue(writer.write, { maxBatch: 100, concurrency: 1 });
    const results = [queue.submit(1)];
    await tick();
    results.push(queue.submit(2));
    writer.gates[0]!.resolve();
    for (let i = 0; i < 5; i++) await Promise.resolve();
    // The first batch has settled (nothing in flight), yet this send does not start a batch of its own.
    results.push(queue.submit(3));
    for (let i = 0; i < 5; i++) await Promise.resolve();
    expect(writer.batches).toEqual([[1]]);
    await tick();
    expect(writer.batches).toEqual([[1], [2, 3]]);
    writer.gates[1]!.resolve();
    expect(await Promise.all(results)).toEqual(['done:1', 'done:2', 'done:3']);
  });
});
