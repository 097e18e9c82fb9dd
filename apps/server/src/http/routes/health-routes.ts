import type { FastifyPluginAsync } from 'fastify';
import { bearerToken } from '../../auth/authenticator.js';
import { AppError } from '../../domain/app-error.js';
import type { Metrics } from '../../metrics.js';
import { sameSecret } from '../same-secret.js';

export interface ReadinessCheck {
  name: string;
  check(): Promise<void>;
}

export interface HealthRouteOptions {
  checks: ReadinessCheck[];
  metrics: Metrics;
  isDraining: () => boolean;
  /** Bearer token `/metrics` asks for; null leaves it open (it then belongs on an internal network). */
  metricsToken: string | null;
}

/** Liveness, readiness (database and Redis) and Prometheus metrics. */
export const healthRoutes: FastifyPluginAsync<HealthRouteOptions> = async (app, { checks, metrics, isDraining, metricsToken }) => {
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

  app.get('/metrics', { schema: { hide: true } }, async (request, reply) => {
    if (metricsToken !== null) {
      const token = bearerToken(request.headers.authorization);
      if (!token || !sameSecret(token, metricsToken)) throw new AppError('UNAUTHORIZED', 'metrics token required');
    }
    return reply.header('content-type', metrics.registry.contentType).send(await metrics.registry.metrics());
  });
};
