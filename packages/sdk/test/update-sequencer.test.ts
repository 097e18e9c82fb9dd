import { describe, expect, it } from 'vitest';
import type { SyncEvent, SyncPage } from '@parley/protocol';
import { UpdateSequencer } from '../src/index.js';

const ev = (userSeq: number): SyncEvent => ({ userSeq, type: 'read', data: { conversationId: 1, readerId: 9, readUpToSeq: userSeq } });

function harness(log: number, initial: number | null = 0) {
  const applied: [number, string][] = [];
  const requests: number[] = [];
  let latest = log;
  const server = { extend: (n: number) => (latest = n) };
  const seq = new UpdateSequencer({
    initialUserSeq: initial,
    pageSize: 2,
    fetchPage: async (since, limit): Promise<SyncPage> => {
      requests.push(since);
      const events = [];
      for (let s = since + 1; s <= Math.min(latest, since + limit); s++) events.push(ev(s));
      return { events, userSeq: latest, hasMore: since + events.length < latest };
    },
    apply: (e, source) => applied.push([e.userSeq, source]),
  });
  return { seq, applied, requests, server };
}

describe('UpdateSequencer', () => {
  it('applies consecutive pushes at once and drops duplicates', () => {
    const { seq, applied, requests } = harness(0);
    seq.receive(ev(1));
    seq.receive(ev(2));
    seq.receive(ev(2));
    seq.receive(ev(1));
    expect(applied).toEqual([[1, 'push'], [2, 'push']]);
    expect(requests).toEqual([]);
    expect(seq.userSeq).toBe(2);
  });

  it('repairs a gap from the log (paged), then applies the waiting push once, in order', async () => {
    const { seq, applied, requests } = harness(6);
    seq.receive(ev(1));
    seq.receive(ev(6)); // 2..5 were dropped on the wire
    await seq.sync();
    expect(applied.map((a) => a[0])).toEqual([1, 2, 3, 4, 5, 6]);
    expect(applied.filter((a) => a[1] === 'sync').map((a) => a[0])).toEqual([2, 3, 4, 5, 6]);
    expect(requests.slice(0, 3)).toEqual([1, 3, 5]);
    expect(seq.userSeq).toBe(6);
  });

  it('queues pushes that arrive during a sync and applies them after it', async () => {
    const { seq, applied, server } = harness(2);
    const running = seq.sync();
    server.extend(4);
    seq.receive(ev(3));
    seq.receive(ev(4));
    await running;
    expect(applied.map((a) => a[0])).toEqual([1, 2, 3, 4]);
  });

  it('without a baseline, reads the latest userSeq and applies only what was pushed since', async () => {
    const { seq, applied, requests } = harness(10, null);
    seq.receive(ev(11));
    await seq.sync();
    expect(requests[0]).toBe(0);
    expect(applied).toEqual([[11, 'push']]);
    expect(seq.userSeq).toBe(11);
  });

  it('without a baseline, a push beyond the latest + 1 is a gap: the missing entries come from the log first', async () => {
    const { seq, applied, server } = harness(10, null);
    const running = seq.sync();
    server.extend(12); // 11 and 12 are committed while the head is read; only 12's push has arrived
    seq.receive(ev(12));
    await running;
    expect(applied).toEqual([[11, 'sync'], [12, 'sync']]);
    expect(seq.userSeq).toBe(12);
    seq.receive(ev(11)); // the late push of 11 is a duplicate now
    expect(applied).toHaveLength(2);
  });

  it('gives up on a gap the log cannot fill after a few rounds and applies in order', async () => {
    const { seq, applied } = harness(1);
    seq.receive(ev(1));
    seq.receive(ev(3));
    await seq.sync();
    expect(applied.map((a) => a[0])).toEqual([1, 3]);
  });
});
