import type { AdminStats, LatencyHistogram } from './admin-api.js';

/** What the console shows; `null` where the two snapshots do not tell (yet). */
export interface LiveFigures {
  connectionsByDoor: Record<string, number>;
  connections: number;
  messagesPerSecond: number | null;
  /** Seconds; null when no send completed between the snapshots or latency is not recorded. */
  p99SendLatency: number | null;
  errorsPerSecond: number | null;
}

/**
 * Turns two snapshots of the server's running totals into the figures of the interval between
 * them, as Prometheus' `rate()` and `histogram_quantile(0.99, …)` would. A counter that went
 * down means the node restarted: that interval tells nothing, so its rates are null.
 */
export function liveFigures(previous: AdminStats | null, current: AdminStats): LiveFigures {
  const figures: LiveFigures = {
    connectionsByDoor: current.connections.byDoor,
    connections: current.connections.total,
    messagesPerSecond: null,
    p99SendLatency: null,
    errorsPerSecond: null,
  };
  if (!previous) return figures;
  const seconds = (current.takenAt - previous.takenAt) / 1000;
  if (seconds <= 0) return figures;
  const rate = (before: number, after: number) => (after >= before ? (after - before) / seconds : null);
  figures.messagesPerSecond = rate(previous.messagesStored.total, current.messagesStored.total);
  figures.errorsPerSecond = rate(previous.clientErrors.total, current.clientErrors.total);
  if (previous.sendLatency && current.sendLatency) figures.p99SendLatency = quantileBetween(previous.sendLatency, current.sendLatency, 0.99);
  return figures;
}

/** The q-quantile of the observations made between two cumulative histograms (linear within a bucket). */
export function quantileBetween(before: LatencyHistogram, after: LatencyHistogram, q: number): number | null {
  const earlier = new Map(before.buckets.map((b) => [b.le, b.count]));
  const buckets = after.buckets.map((b) => ({ le: b.le, count: b.count - (earlier.get(b.le) ?? 0) }));
  const total = after.count - before.count;
  if (total <= 0 || buckets.some((b) => b.count < 0)) return null;
  const rank = q * total;
  let lowerBound = 0;
  let lowerCount = 0;
  for (const { le, count } of buckets) {
    if (count >= rank) {
      // Beyond the highest finite bound nothing is known but that bound, as in Prometheus.
      if (le === null) return lowerBound;
      const inBucket = count - lowerCount;
      return inBucket <= 0 ? le : lowerBound + ((le - lowerBound) * (rank - lowerCount)) / inBucket;
    }
    if (le !== null) lowerBound = le;
    lowerCount = count;
  }
  return lowerBound;
}
