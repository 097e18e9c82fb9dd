import { describe, expect, it } from 'vitest';
import type { AdminStats } from './admin-api.js';
import { liveFigures, quantileBetween } from './live-figures.js';

function stats(takenAt: number, messages: number, errors: number, latency: AdminStats['sendLatency'] = null): AdminStats {
  return {
    takenAt,
    connections: { total: 3, byDoor: { stomp: 2, signalr: 1 } },
    messagesStored: { total: messages, byDoor: { rest: messages } },
    clientErrors: { total: errors, byDoor: { all: errors } },
    sendLatency: latency,
  };
}

const histogram = (counts: number[], bounds = [0.01, 0.05, 0.1]) => ({
  buckets: [...bounds.map((le, i) => ({ le, count: counts[i]! })), { le: null, count: counts[bounds.length]! }],
  count: counts[bounds.length]!,
  sum: 0,
});

describe('liveFigures', () => {
  it('shows connections at once and rates only from the second snapshot on', () => {
    const first = liveFigures(null, stats(1_000, 10, 1));
    expect(first).toEqual({ connectionsByDoor: { stomp: 2, signalr: 1 }, connections: 3, messagesPerSecond: null, p99SendLatency: null, errorsPerSecond: null });
    const second = liveFigures(stats(1_000, 10, 1), stats(3_000, 30, 2));
    expect(second.messagesPerSecond).toBe(10);
    expect(second.errorsPerSecond).toBe(0.5);
  });

  it('gives no rate across a restart (a counter that went down) or a clock that did not move', () => {
    expect(liveFigures(stats(1_000, 50, 5), stats(2_000, 3, 0))).toMatchObject({ messagesPerSecond: null, errorsPerSecond: null });
    expect(liveFigures(stats(1_000, 1, 1), stats(1_000, 2, 2))).toMatchObject({ messagesPerSecond: null });
  });

  it('takes p99 from the observations between the snapshots only', () => {
    const before = histogram([100, 100, 100, 100]);
    // 100 new sends: 98 under 10 ms, 2 between 50 and 100 ms → p99 lies in the 50–100 ms bucket.
    const after = histogram([198, 198, 200, 200]);
    const p99 = liveFigures(stats(0, 0, 0, before), stats(1_000, 100, 0, after)).p99SendLatency!;
    expect(p99).toBeGreaterThan(0.05);
    expect(p99).toBeLessThanOrEqual(0.1);
  });
});

describe('quantileBetween', () => {
  it('is null without new observations, and the highest finite bound for the +Inf bucket', () => {
    expect(quantileBetween(histogram([1, 1, 1, 1]), histogram([1, 1, 1, 1]), 0.99)).toBeNull();
    expect(quantileBetween(histogram([0, 0, 0, 0]), histogram([0, 0, 0, 10]), 0.99)).toBe(0.1);
  });

  it('interpolates linearly inside the bucket holding the rank', () => {
    expect(quantileBetween(histogram([0, 0, 0, 0]), histogram([0, 100, 100, 100]), 0.5)).toBeCloseTo(0.03, 10);
  });
});
