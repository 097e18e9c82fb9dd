/** `/metrics` behind PARLEY_METRICS_TOKEN: open by default, bearer-protected once the token is set. */
import { describe, expect, it } from 'vitest';
import { startTestServer } from '../support/test-app.js';

describe('/metrics protection', () => {
  it('asks for the bearer token once PARLEY_METRICS_TOKEN is set, with the usual error body', async () => {
    await using server = await startTestServer({ PARLEY_METRICS_TOKEN: 'scrape-secret' });
    for (const headers of [{}, { authorization: 'Bearer wrong-secret' }, { authorization: 'Basic scrape-secret' }, { authorization: 'Bearer scrape-secre' }]) {
      const refused = await fetch(`${server.url}/metrics`, { headers });
      expect(refused.status, JSON.stringify(headers)).toBe(401);
      expect(await refused.json()).toMatchObject({ error: { code: 'UNAUTHORIZED', message: expect.any(String) } });
    }
    const allowed = await fetch(`${server.url}/metrics`, { headers: { authorization: 'Bearer scrape-secret' } });
    expect(allowed.status).toBe(200);
    expect(await allowed.text()).toMatch(/^# HELP /m);
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
  });

  it('stays open without the setting', async () => {
    await using server = await startTestServer();
    expect((await fetch(`${server.url}/metrics`)).status).toBe(200);
  });
});
