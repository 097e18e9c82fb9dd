import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { Metrics } from '../../metrics.js';
import { requireAdminToken } from './admin-routes.js';

/** The Prometheus series the console's live figures are built from (the same ones /metrics shows). */
export const STATS_METRICS = {
  connections: 'parley_connections',
  messagesStored: 'parley_messages_sent_total',
  clientErrors: 'parley_client_errors_total',
  sendLatency: 'parley_send_latency_seconds',
} as const;

/** Running totals per label value (`door`), and their sum. */
export interface LabelledTotal {
  total: number;
  byDoor: Record<string, number>;
}

export interface LatencyHistogram {
  /** Cumulative counts per upper bound in seconds, ascending; the last bound is `Infinity` as `null`. */
  buckets: { le: number | null; count: number }[];
  count: number;
  sum: number;
}

/**
 * A snapshot of this node's counters. Counters only grow, so the console turns two snapshots
 * into rates (messages/s, errors/s) and a p99 over the interval between them — the same as
 * `rate()` and `histogram_quantile()` over /metrics, without keeping state on the server.
 */
export interface AdminStats {
  takenAt: number;
  connections: LabelledTotal;
  messagesStored: LabelledTotal;
  clientErrors: LabelledTotal;
  /** null when this build does not record send latency. */
  sendLatency: LatencyHistogram | null;
}

type MetricValue = { value: number; labels: Record<string, string | number | undefined>; metricName?: string };

async function valuesOf(metrics: Metrics, name: string): Promise<MetricValue[] | null> {
  const metric = metrics.registry.getSingleMetric(name);
  if (!metric) return null;
  return (await metric.get()).values as MetricValue[];
}

async function labelledTotal(metrics: Metrics, name: string): Promise<LabelledTotal> {
  const result: LabelledTotal = { total: 0, byDoor: {} };
  for (const { value, labels } of (await valuesOf(metrics, name)) ?? []) {
    const door = labels.door === undefined ? 'all' : String(labels.door);
    result.total += value;
    result.byDoor[door] = (result.byDoor[door] ?? 0) + value;
  }
  return result;
}

async function latencyHistogram(metrics: Metrics, name: string): Promise<LatencyHistogram | null> {
  const values = await valuesOf(metrics, name);
  if (!values) return null;
  // Other labels (a door, a stage) are summed away: the console shows one p99 for the node.
  const byBound = new Map<number, number>();
  let count = 0;
  let sum = 0;
  for (const { value, labels, metricName } of values) {
    if (metricName === `${name}_bucket`) {
      const le = labels.le === '+Inf' ? Infinity : Number(labels.le);
      byBound.set(le, (byBound.get(le) ?? 0) + value);
    } else if (metricName === `${name}_count`) count += value;
    else if (metricName === `${name}_sum`) sum += value;
  }
  const buckets = [...byBound.entries()].sort(([a], [b]) => a - b).map(([le, c]) => ({ le: Number.isFinite(le) ? le : null, count: c }));
  return { buckets, count, sum };
}

/** `GET /admin/stats`: the live figures of the admin console, read from this node's metrics. */
export const adminStatsRoutes: FastifyPluginAsyncTypebox<{ metrics: Metrics; adminToken: string }> = async (app, { metrics, adminToken }) => {
  app.addHook('onRequest', requireAdminToken(adminToken));

  app.get('/admin/stats', { schema: { tags: ['admin'], summary: "This node's running totals for the console's live figures" } }, async (_request, reply): Promise<AdminStats> => {
    const [connections, messagesStored, clientErrors, sendLatency] = await Promise.all([
      labelledTotal(metrics, STATS_METRICS.connections),
      labelledTotal(metrics, STATS_METRICS.messagesStored),
      labelledTotal(metrics, STATS_METRICS.clientErrors),
      latencyHistogram(metrics, STATS_METRICS.sendLatency),
    ]);
    void reply.header('cache-control', 'no-store');
    return { takenAt: Date.now(), connections, messagesStored, clientErrors, sendLatency };
  });
};
