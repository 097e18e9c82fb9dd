import type { FastifyPluginAsync } from 'fastify';
import type { Metrics } from '../../metrics.js';

export interface ReadinessCheck {
  name: string;
  check(): Promise<void>;
}

/** Liveness, readiness (database and Redis) and Prometheus metrics. */
export const healthRoutes: FastifyPluginAsync<{ checks: ReadinessCheck[]; metrics: Metrics; isDraining: () => boolean }> = async (app, { checks, metrics, isDraining }) => {
  app.get('/healthz', { schema: { tags: ['ops'], hide: true } }, async (_request, reply) => {
    if (isDraining()) return reply.status(503).send({ status: 'draining' });
    return { status: 'ok' };
  });

  app.get('/readyz', { schema: { tags: ['ops'], hide: true } }, async (_request, reply) => {
    if (isDraining()) return reply.status(503).send({ status: 'draining' });
    const results: Record<string, string> = {};
    let ready = true;
    for (const { name, check } of checks) {
      try {
        await check();
        results[name] = 'ok';
      } catch (error) {
        ready = false;
        results[name] = error instanceof Error ? error.message : 'failed';
      }
    }
    return reply.status(ready ? 200 : 503).send({ status: ready ? 'ok' : 'unavailable', checks: results });
  });

  app.get('/metrics', { schema: { hide: true } }, async (_request, reply) => {
    return reply.header('content-type', metrics.registry.contentType).send(await metrics.registry.metrics());
  });
};
