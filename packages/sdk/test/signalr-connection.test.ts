import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket, { WebSocketServer } from 'ws';
import { Backoff } from '../src/backoff.js';
import { ParleyError } from '../src/errors.js';
import { fetchHttp } from '../src/http-transport.js';
import { frameText } from '../src/hub-records.js';
import type { ConnectionState, RealtimePush } from '../src/realtime-connection.js';
import { SignalRConnection } from '../src/signalr-connection.js';
import { nodeSocketFactory } from '../src/socket-factory.js';
import { TokenSource } from '../src/token-source.js';
import { waitFor } from './helpers/stub-server.js';

const RS = '\u001e';

/**
 * A hub that misbehaves on purpose, for what the real server never does: it goes silent after
 * the handshake, or sends a Close without allowReconnect. `onRecord` answers the client's records.
 */
class MisbehavingHub {
  negotiations = 0;
  readonly received: Array<Record<string, unknown>> = [];
  onRecord: (record: Record<string, unknown>, socket: WebSocket) => void = () => undefined;
  afterHandshake: (socket: WebSocket) => void = () => undefined;
  private readonly http: Server;
  private readonly wss = new WebSocketServer({ noServer: true });

  constructor() {
    this.http = createServer((req, res) => {
      if (req.method === 'POST' && req.url?.startsWith('/hubs/chat/negotiate')) {
        this.negotiations++;
        res.setHeader('content-type', 'application/json');
        res.end(JSON.stringify({ negotiateVersion: 1, connectionId: `c${this.negotiations}`, connectionToken: `t${this.negotiations}` }));
        return;
      }
      res.statusCode = 404;
      res.end();
    });
    this.http.on('upgrade', (req, socket, head) => this.wss.handleUpgrade(req, socket, head, (ws) => this.accept(ws)));
  }

  get hubUrl(): string {
    return `http://127.0.0.1:${(this.http.address() as AddressInfo).port}/hubs/chat`;
  }

  async start(): Promise<this> {
    await new Promise<void>((resolve) => this.http.listen(0, '127.0.0.1', resolve));
    return this;
  }

  async stop(): Promise<void> {
    for (const client of this.wss.clients) client.terminate();
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
    await new Promise<void>((resolve) => this.http.close(() => resolve()));
  }

  private accept(ws: WebSocket): void {
    let handshaken = false;
    ws.on('message', (data) => {
      for (const part of data.toString().split(RS).filter(Boolean)) {
        const record = JSON.parse(part) as Record<string, unknown>;
        if (!handshaken) {
          handshaken = true;
          ws.send(`{}${RS}`);
          this.afterHandshake(ws);
          continue;
        }
        this.received.push(record);
        this.onRecord(record, ws);
      }
    });
  }
}

describe('SignalRConnection against a misbehaving hub', () => {
  let hub: MisbehavingHub;
  let connection: SignalRConnection | null = null;
  afterEach(async () => {
    await connection?.stop();
    connection = null;
    await hub.stop();
  });

  function connect(options: { pingIntervalMs?: number; serverTimeoutMs?: number } = {}) {
    const seen = { states: [] as ConnectionState[], connects: 0, disconnects: 0, pushes: [] as RealtimePush[], errors: [] as ParleyError[], refusals: [] as ParleyError[] };
    connection = new SignalRConnection(
      {
        hubUrl: hub.hubUrl,
        socketFactory: nodeSocketFactory(WebSocket),
        http: fetchHttp(),
        tokens: new TokenSource(() => 'token'),
        backoff: new Backoff({ initialDelayMs: 20, maxDelayMs: 100 }),
        pingIntervalMs: options.pingIntervalMs ?? 0,
        serverTimeoutMs: options.serverTimeoutMs ?? 0,
        connectTimeoutMs: 5000,
      },
      {
        onState: (state) => seen.states.push(state),
        onConnected: () => seen.connects++,
        onDisconnected: () => seen.disconnects++,
        onPush: (push) => seen.pushes.push(push),
        onError: (error) => seen.errors.push(error),
        onRefused: (error) => seen.refusals.push(error),
      },
    );
    connection.start();
    return seen;
  }

  it('pings while connected, and replaces a connection on which the server went silent', async () => {
    hub = await new MisbehavingHub().start();
    const seen = connect({ pingIntervalMs: 100, serverTimeoutMs: 600 });
    await waitFor(() => hub.received.filter((r) => r.type === 6).length >= 2, 10_000, 'client pings');
    await waitFor(() => seen.connects >= 2, 10_000, 'reconnected after the silence');
    expect(seen.disconnects).toBeGreaterThanOrEqual(1);
    expect(hub.negotiations).toBeGreaterThanOrEqual(2);
    expect(seen.states.slice(0, 4)).toEqual(['connecting', 'connected', 'reconnecting', 'connected']);
  });

  it('reconnects even after a Close that does not allow it, reporting the error', async () => {
    hub = await new MisbehavingHub().start();
    let closes = 0;
    hub.afterHandshake = (ws) => {
      if (closes++ < 6) ws.send(`{"type":7,"error":"Connection closed with an error."}${RS}`);
    };
    const seen = connect();
    await waitFor(() => seen.connects >= 7 && connection?.current === 'connected', 10_000, 'still reconnecting after six Closes');
    expect(seen.errors.filter((e) => e.message.includes('Connection closed with an error.'))).toHaveLength(6);
  });

  it('a Close saying USER_BANNED hands the refusal up and does not reconnect', async () => {
    hub = await new MisbehavingHub().start();
    hub.afterHandshake = (ws) => ws.send(`{"type":7,"error":"USER_BANNED: you are banned"}${RS}`);
    const seen = connect();
    await waitFor(() => seen.refusals.length === 1, 10_000, 'refusal reported');
    await new Promise((r) => setTimeout(r, 300));
    expect(seen.refusals[0]).toMatchObject({ code: 'USER_BANNED' });
    expect(hub.negotiations).toBe(1);
    expect(seen.errors).toEqual([]);
  });

  it('matches completions to invocations (several records in one frame), maps "CODE: message" errors, and maps events', async () => {
    hub = await new MisbehavingHub().start();
    hub.onRecord = (record, ws) => {
      if (record.type !== 1) return;
      if (record.target === 'Fails') {
        ws.send(`{"type":3,"invocationId":"${String(record.invocationId)}","error":"BLOCKED: the receiver blocked you"}${RS}`);
        return;
      }
      const event = { type: 1, target: 'messagesread', arguments: [{ sessionId: 4, readerId: 9, readUpToSeq: 3, userSeq: 12 }] };
      ws.send(`${JSON.stringify(event)}${RS}{"type":6}${RS}{"type":3,"invocationId":"${String(record.invocationId)}","result":{"ok":true}}${RS}`);
    };
    const seen = connect();
    await waitFor(() => connection?.current === 'connected', 10_000, 'connected');
    await expect(connection!.invoke('Works', [1])).resolves.toEqual({ ok: true });
    await expect(connection!.invoke('Fails', [])).rejects.toMatchObject({ code: 'BLOCKED', message: 'the receiver blocked you' });
    expect(seen.pushes).toEqual([{ kind: 'read', data: { conversationId: 4, readerId: 9, readUpToSeq: 3 }, userSeq: 12 }]);
  });
});

describe('frameText', () => {
  it('decodes binary frames as UTF-8 even without TextDecoder', () => {
    const bytes = new Uint8Array(Buffer.from(`{"content":"你好 😀"}${RS}`, 'utf8'));
    const saved = globalThis.TextDecoder;
    try {
      (globalThis as { TextDecoder?: unknown }).TextDecoder = undefined;
      expect(frameText(bytes.buffer)).toBe(`{"content":"你好 😀"}${RS}`);
    } finally {
      globalThis.TextDecoder = saved;
    }
    expect(frameText(bytes)).toBe(`{"content":"你好 😀"}${RS}`);
  });
});
