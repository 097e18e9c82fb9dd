import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { SignalRUser } from '../support/signalr-client.js';
import { ROUTES, StompUser } from '../support/stomp-client.js';
import { createTestDatabase, TEST_DATABASE_URL, type TestDatabase } from '../support/test-database.js';
import { eventually, startTestServer, type TestServer } from '../support/test-app.js';

/** PromQL words that are not metric names. */
const PROMQL_WORDS = new Set(['by', 'without', 'on', 'ignoring', 'group_left', 'group_right', 'bool', 'and', 'or', 'unless', 'offset']);

/** The metric names a PromQL expression reads: identifiers that are not functions, keywords, label names or durations. */
function metricNamesOf(expr: string): string[] {
  const bare = expr
    .replace(/\b(by|without|on|ignoring)\s*\([^)]*\)/g, ' ')
    .replace(/\{[^}]*\}/g, ' ')
    .replace(/\[[^\]]*\]/g, ' ')
    .replace(/"[^"]*"/g, ' ');
  return [...bare.matchAll(/\b([a-zA-Z_:][a-zA-Z0-9_:]*)\b(?!\s*\()/g)].map((m) => m[1]!).filter((word) => !PROMQL_WORDS.has(word) && !/^\d/.test(word) && !/^e\d+$/.test(word));
}

/** `name{labels} value` lines of a Prometheus text exposition, as name → label sets. */
function samplesOf(exposition: string): Map<string, string[]> {
  const samples = new Map<string, string[]>();
  for (const line of exposition.split('\n')) {
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{[^}]*\})? /.exec(line);
    if (!match) continue;
    samples.set(match[1]!, [...(samples.get(match[1]!) ?? []), match[2] ?? '']);
  }
  return samples;
}

async function scrape(server: TestServer): Promise<string> {
  const response = await fetch(`${server.url}/metrics`);
  expect(response.status).toBe(200);
  return response.text();
}

const dashboard = JSON.parse(await readFile(new URL('../../../../docs/grafana-dashboard.json', import.meta.url), 'utf8')) as { panels: { title: string; targets: { expr: string }[] }[] };
const queried = [...new Set(dashboard.panels.flatMap((panel) => panel.targets.flatMap((target) => metricNamesOf(target.expr))))];

describe('/metrics', () => {
  it('reads the metric names out of PromQL', () => {
    expect(metricNamesOf('histogram_quantile(0.99, sum by (le, door) (rate(parley_send_latency_seconds_bucket{door="rest"}[5m])))')).toEqual(['parley_send_latency_seconds_bucket']);
    expect(metricNamesOf('sum(rate(a_sum[5m])) / sum(rate(a_count[5m])) / 1e9')).toEqual(['a_sum', 'a_count']);
    expect(queried.length).toBeGreaterThan(8);
  });

  it('counts sends, pushes, latency, connections and errors by door, and has every series the Grafana dashboard queries', async () => {
    await using database: TestDatabase | null = TEST_DATABASE_URL ? await createTestDatabase() : null;
    await using server = await startTestServer({ PARLEY_PROCESS_METRICS: 'true', ...(database ? { DATABASE_URL: database.url } : {}) });
    const [alice, bob] = [await server.token(7401, 'alice'), await server.token(7402, 'bob')];
    await using stomp = await new StompUser(server.url, { token: alice, route: ROUTES['sockjs xhr-streaming']! }).connect();
    await stomp.subscribe('/user/queue/messages', '/user/queue/errors');
    await using hub = await SignalRUser.start(server.url, bob);

    expect((await server.api(alice, 'POST', '/messages', { receiverId: 7402, messageType: 'TEXT', content: 'by REST', clientMsgId: 'm-rest' })).status).toBe(201);
    await stomp.publish('/app/chat.send', { receiverId: 7402, messageType: 'TEXT', content: 'by STOMP', clientMsgId: 'm-stomp' });
    await hub.invoke('SendMessage', { receiverId: 7401, messageType: 1, content: 'by SignalR', tempId: 'm-hub' });
    // A repeat stores nothing and must not count as a message stored.
    await hub.invoke('SendMessage', { receiverId: 7401, messageType: 1, content: 'by SignalR', tempId: 'm-hub' });
    expect((await server.api(alice, 'POST', '/messages', { receiverId: 7401, messageType: 'TEXT', content: 'self', clientMsgId: 'm-self' })).status).toBe(400);
    await stomp.publish('/app/chat.get', { messageId: 999_999_999 });
    await expect(hub.invoke('NoSuchMethod')).rejects.toThrow(/NOT_FOUND/);
    await eventually(() => stomp.messages('/user/queue/messages').length >= 3, 'the three messages on STOMP');

    const exposition = await scrape(server);
    const value = (series: string) => Number(new RegExp(`^${series.replace(/[{}]/g, '\\$&')} (\\S+)$`, 'm').exec(exposition)?.[1] ?? NaN);
    expect(value('parley_messages_sent_total{door="rest"}')).toBe(1);
    expect(value('parley_messages_sent_total{door="stomp"}')).toBe(1);
    expect(value('parley_messages_sent_total{door="signalr"}')).toBe(1);
    expect(value('parley_send_latency_seconds_count{door="rest"}')).toBe(1);
    expect(value('parley_send_commit_seconds_count{door="stomp"}')).toBe(1);
    expect(value('parley_send_latency_seconds_count{door="signalr"}')).toBe(1);
    expect(value('parley_pushes_total{door="stomp"}')).toBeGreaterThanOrEqual(3);
    expect(value('parley_pushes_total{door="signalr"}')).toBeGreaterThanOrEqual(3);
    expect(value('parley_connections{door="stomp",transport="sockjs-xhr-streaming"}')).toBe(1);
    expect(value('parley_connections{door="signalr",transport="WebSockets"}')).toBe(1);
    expect(value('parley_client_errors_total{code="SELF_CHAT",door="rest"}')).toBe(1);
    expect(value('parley_client_errors_total{code="MESSAGE_NOT_FOUND",door="stomp"}')).toBe(1);
    expect(value('parley_client_errors_total{code="NOT_FOUND",door="signalr"}')).toBe(1);
    expect(value('parley_backend_up{backend="database"}')).toBe(1);
    if (database) expect(value('parley_database_pool_connections{state="total"}')).toBeGreaterThanOrEqual(1);

    const samples = samplesOf(exposition);
    // PGlite is one embedded connection: the pool gauge exists only on PostgreSQL.
    const expected = queried.filter((name) => database || name !== 'parley_database_pool_connections');
    expect(expected.filter((name) => !samples.has(name))).toEqual([]);
    await database?.drop();
  });
});
