/**
 * `/metrics` behind PARLEY_METRICS_TOKEN. Without the setting it stays open, as the operations
 * suite (rest/ops.test.ts) checks on a default server.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../support/test-app.js';

describe('/metrics protection', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ PARLEY_METRICS_TOKEN: 'scrape-secret' });
  });
  afterAll(async () => {
    await server?.app.shutdown();
  });

  it.each([
    ['no Authorization header', {}],
    ['a wrong token', { authorization: 'Bearer wrong-secret' }],
    ['a prefix of the token', { authorization: 'Bearer scrape-secre' }],
    ['the token in another scheme', { authorization: 'Basic scrape-secret' }],
  ])('answers 401 UNAUTHORIZED in the usual error body to %s', async (_case, headers: Record<string, string>) => {
    const refused = await fetch(`${server.url}/metrics`, { headers });
    expect(refused.status).toBe(401);
    expect(await refused.json()).toMatchObject({ error: { code: 'UNAUTHORIZED', message: expect.any(String) } });
  });

  it('serves the metrics to the bearer of the token, and leaves the health checks open', async () => {
    const allowed = await fetch(`${server.url}/metrics`, { headers: { authorization: 'Bearer scrape-secret' } });
    expect(allowed.status).toBe(200);
    expect(await allowed.text()).toMatch(/^# HELP /m);
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
  });
});
