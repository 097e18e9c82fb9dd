import { HubConnectionBuilder, HttpTransportType, LogLevel, type HubConnection } from '@microsoft/signalr';
import WebSocket from 'ws';
import { nodeHubOptions } from '../../support/signalr-client.js';

/** A development token from any node (all nodes share JWT_SECRET). */
export async function devToken(baseUrl: string, userId: number, name?: string): Promise<string> {
  const response = await fetch(`${baseUrl}/auth/dev-token`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ userId, ...(name ? { name } : {}) }) });
  if (response.status !== 200) throw new Error(`dev-token: ${response.status}`);
  return ((await response.json()) as { token: string }).token;
}

/** One REST call with a bearer token; the parsed JSON body. */
export async function api(baseUrl: string, token: string, method: string, path: string, body?: unknown): Promise<{ status: number; body: any }> {
  const response = await fetch(baseUrl + path, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : null };
}

/** Every entry of the user's update log, through /sync pages. */
export async function syncAll(baseUrl: string, token: string, since = 0): Promise<any[]> {
  const events: any[] = [];
  for (;;) {
    const page = await api(baseUrl, token, 'GET', `/sync?since=${since}&limit=1000`);
    if (page.status !== 200) throw new Error(`sync: ${page.status} ${JSON.stringify(page.body)}`);
    events.push(...page.body.events);
    if (!page.body.hasMore || page.body.events.length === 0) return events;
    since = page.body.events.at(-1).userSeq;
  }
}

/**
 * A SignalR client whose negotiate goes to `negotiateUrl` and whose WebSocket goes to
 * `transportUrl` — another node — exactly what a load balancer without affinity does.
 */
export function crossNodeHub(negotiateUrl: string, transportUrl: string, token: string): HubConnection {
  const from = new URL(negotiateUrl).host;
  const to = new URL(transportUrl).host;
  class RedirectedWebSocket extends WebSocket {
    constructor(url: string, protocols?: string | string[], options?: WebSocket.ClientOptions) {
      super(url.replace(from, to), protocols, options);
    }
  }
  return new HubConnectionBuilder()
    .withUrl(`${negotiateUrl}/hubs/chat`, nodeHubOptions({ accessTokenFactory: () => token, transport: HttpTransportType.WebSockets }, RedirectedWebSocket))
    .configureLogging(LogLevel.None)
    .build();
}
