/** Operations routes: liveness, readiness, Prometheus metrics, OpenAPI docs, unknown routes. */
import { describe, expect, it } from 'vitest';
import { startTestServer } from '../support/test-app.js';
import { createTestDatabase, TEST_DATABASE_URL } from '../support/test-database.js';
import { expectError, raw } from './rest-helpers.js';

describe('operations routes', () => {
  it('serves /healthz, /readyz, /metrics and the OpenAPI document without a token', async () => {
    await using server = await startTestServer();
    const health = await raw(server, 'GET', '/healthz');
    expect(health).toMatchObject({ status: 200, body: { status: 'ok' } });
    const ready = await raw(server, 'GET', '/readyz');
    expect(ready.status).toBe(200);
    expect(ready.body).toMatchObject({ status: 'ok', checks: { database: 'ok' } });

    await server.api(await server.token(1), 'GET', '/sync');
    const metrics = await raw(server, 'GET', '/metrics');
    expect(metrics.status).toBe(200);
    expect(metrics.headers.get('content-type')).toMatch(/^text\/plain/);
    expect(metrics.body).toMatch(/^# HELP /m);
    expect(metrics.body).toMatch(/^# TYPE \S+ (counter|gauge|histogram)/m);

    const docs = await fetch(`${server.url}/docs`, { redirect: 'follow' });
    expect(docs.status).toBe(200);
    expect(docs.headers.get('content-type')).toMatch(/text\/html/);
    const openapi = await raw(server, 'GET', '/docs/json');
    expect(openapi.status).toBe(200);
    expect(openapi.body.openapi).toMatch(/^3\./);
    const paths = Object.keys(openapi.body.paths);
    for (const path of ['/messages', '/messages/conversations', '/messages/history/{userId}', '/messages/read/{conversationId}', '/messages/exchange', '/messages/exchange/{messageId}/respond', '/messages/{messageId}', '/sync', '/users/presence', '/blocks', '/blocks/{userId}', '/media', '/auth/dev-token']) {
      expect(paths, path).toContain(path);
    }
    expect(openapi.body.paths['/messages'].post.requestBody).toBeDefined();
  });

  it('answers unknown routes with 404 NOT_FOUND in the error shape', async () => {
    await using server = await startTestServer();
    expectError(await raw(server, 'GET', '/nope'), 404, 'NOT_FOUND');
    expectError(await raw(server, 'PATCH', '/messages'), 404, 'NOT_FOUND');
  });

  it('stops accepting connections once shut down', async () => {
    const server = await startTestServer();
    const { url } = server;
    const closing = server.app.shutdown();
    await closing;
    await expect(fetch(`${url}/healthz`)).rejects.toThrow();
  });

  describe.skipIf(!TEST_DATABASE_URL)('on PostgreSQL', () => {
    it('reports the database in /readyz, and 503 once it is gone', async () => {
      await using database = await createTestDatabase();
      await using server = await startTestServer({ DATABASE_URL: database.url });
      expect((await raw(server, 'GET', '/readyz')).body).toMatchObject({ status: 'ok', checks: { database: 'ok' } });
      await database.drop();
      const ready = await raw(server, 'GET', '/readyz');
      expect(ready.status).toBe(503);
      expect(ready.body.status).toBe('unavailable');
      expect((await raw(server, 'GET', '/healthz')).status).toBe(200);
    });
  });
});
