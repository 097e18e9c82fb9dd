/**
 * Starts the real Parley server for SDK and web integration tests: in-process through `buildApp`
 * (memory database), or as a child process on a fixed port with an on-disk database, so that a
 * test can SIGKILL it and start it again.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import WebSocket from 'ws';
import type { WebSocketLike, SocketFactory } from '../../src/index.js';

const serverSrc = fileURLToPath(new URL('../../../../apps/server/src/', import.meta.url));

export interface RunningServer {
  baseUrl: string;
  stop(): Promise<void>;
}

/** The server in this process, memory storage, port 0. */
export async function startInProcessServer(env: Record<string, string> = {}): Promise<RunningServer> {
  // Typed loosely so that the SDK's type-check does not reach into the server's sources.
  const { buildApp } = (await import(/* @vite-ignore */ join(serverSrc, 'app.ts'))) as {
    buildApp(config: unknown, overrides?: { logger?: boolean }): Promise<{ listen(): Promise<string>; shutdown(): Promise<void> }>;
  };
  const { loadConfig } = (await import(/* @vite-ignore */ join(serverSrc, 'config.ts'))) as { loadConfig(env: Record<string, string>): unknown };
  const app = await buildApp(loadConfig({ PORT: '0', HOST: '127.0.0.1', PARLEY_DATA_DIR: 'memory://', ...env }), { logger: false });
  const baseUrl = await app.listen();
  return { baseUrl, stop: () => app.shutdown() };
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (address && typeof address === 'object' ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

/** The server as a separate process (`tsx apps/server/src/main.ts`) with its database on disk. */
export class ServerProcess {
  private child: ChildProcess | null = null;
  readonly dataDir = mkdtempSync(join(tmpdir(), 'parley-sdk-'));
  port = 0;

  get baseUrl(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  async start(): Promise<void> {
    if (!this.port) this.port = await freePort();
    const child = spawn(process.execPath, ['--import', 'tsx', join(serverSrc, 'main.ts')], {
      env: { ...process.env, PORT: String(this.port), HOST: '127.0.0.1', PARLEY_DATA_DIR: this.dataDir, LOG_LEVEL: 'warn', VITEST: '' },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
    this.child = child;
    const deadline = Date.now() + 90_000;
    for (;;) {
      if (child.exitCode !== null) throw new Error(`server exited ${child.exitCode}: ${stderr}`);
      try {
        const res = await fetch(`${this.baseUrl}/healthz`);
        if (res.ok) return;
      } catch {
        /* not up yet */
      }
      if (Date.now() > deadline) throw new Error(`server did not start: ${stderr}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  }

  /** SIGKILL: no drain, no goodbye. */
  async kill(): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null) return;
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGKILL');
    await exited;
    this.child = null;
  }

  async dispose(): Promise<void> {
    await this.kill();
    rmSync(this.dataDir, { recursive: true, force: true });
  }
}

/** A development token from the server. */
export async function devToken(baseUrl: string, userId: number, name: string): Promise<string> {
  const res = await fetch(`${baseUrl}/auth/dev-token`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ userId, name }),
  });
  if (!res.ok) throw new Error(`dev-token ${res.status}`);
  return ((await res.json()) as { token: string }).token;
}

/**
 * A `ws` socket factory with a switch: `offline` makes new sockets fail, `drop(userSeq)` swallows
 * the push that carries that user-seq (a forged gap), `killSockets()` cuts open sockets.
 */
export class FlakyNetwork {
  offline = false;
  readonly dropUserSeqs = new Set<number>();
  readonly dropped: number[] = [];
  /** Every URL a socket was opened to, in order. */
  readonly opened: string[] = [];
  private readonly sockets = new Set<WebSocket>();

  factory(): SocketFactory {
    return (url, protocols) => {
      this.opened.push(url);
      const ws = new WebSocket(this.offline ? 'ws://127.0.0.1:9/ws' : url, protocols);
      this.sockets.add(ws);
      ws.on('close', () => this.sockets.delete(ws));
      ws.on('error', () => undefined);
      return this.wrap(ws);
    };
  }

  killSockets(): void {
    for (const ws of this.sockets) ws.terminate();
  }

  private wrap(ws: WebSocket): WebSocketLike {
    const wrapper: WebSocketLike = {
      url: ws.url,
      get readyState() {
        return ws.readyState;
      },
      binaryType: 'arraybuffer',
      onopen: null,
      onclose: null,
      onerror: null,
      onmessage: null,
      send: (data) => ws.send(data as string),
      close: (code, reason) => ws.close(code, reason),
    };
    ws.binaryType = 'arraybuffer';
    ws.onopen = (e) => wrapper.onopen?.(e);
    ws.onclose = (e) => wrapper.onclose?.(e);
    ws.onerror = (e) => wrapper.onerror?.(e);
    ws.onmessage = (e) => {
      const text = typeof e.data === 'string' ? e.data : Buffer.from(e.data as ArrayBuffer).toString('utf8');
      // STOMP carries the number in a header, the SignalR door in the event's argument.
      const match = /\nuser-seq:(\d+)\n/.exec(text) ?? /"userSeq":(\d+)[,}]/.exec(text);
      if (match && this.dropUserSeqs.has(Number(match[1]))) {
        this.dropUserSeqs.delete(Number(match[1]));
        this.dropped.push(Number(match[1]));
        return;
      }
      wrapper.onmessage?.({ data: e.data });
    };
    return wrapper;
  }
}
