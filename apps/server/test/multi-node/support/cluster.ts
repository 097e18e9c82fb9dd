import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from '../../support/redis-server-process.js';

const repoRoot = fileURLToPath(new URL('../../../../../', import.meta.url));
const loader = fileURLToPath(new URL('./source-loader.mjs', import.meta.url));
const mainTs = join(repoRoot, 'apps/server/src/main.ts');

export const JWT_SECRET = 'multi-node-test-secret-0123456789';

export interface ServerNode {
  name: string;
  url: string;
  wsUrl: string;
  process: ChildProcess;
  /** Last lines the process wrote to stderr/stdout, for failure messages. */
  output: string[];
  alive(): boolean;
  /** Sends the signal and waits for the process to exit. */
  kill(signal?: NodeJS.Signals): Promise<void>;
}

export interface ClusterOptions {
  databaseUrl: string;
  redisUrl: string;
  redisPrefix: string;
  /** Extra environment for every node (e.g. PARLEY_PRESENCE_TTL_MS). */
  env?: Record<string, string>;
}

export interface Cluster extends AsyncDisposable {
  nodes: ServerNode[];
  /** Starts one more node (also used to bring one back). */
  add(name: string): Promise<ServerNode>;
}

async function waitReady(url: string, node: ServerNode, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (!node.alive()) throw new Error(`${node.name} exited during start:\n${node.output.join('')}`);
    try {
      const response = await fetch(`${url}/readyz`);
      if (response.status === 200) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`${node.name} not ready after ${timeoutMs} ms:\n${node.output.join('')}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/**
 * Real server processes (`node --import tsx apps/server/src/main.ts`) sharing one PostgreSQL
 * database, one Redis key prefix and one JWT secret, each on its own free port.
 */
export async function startCluster(names: string[], options: ClusterOptions): Promise<Cluster> {
  const dataDir = await mkdtemp(join(tmpdir(), 'parley-cluster-'));
  const nodes: ServerNode[] = [];
  const add = async (name: string): Promise<ServerNode> => {
    const port = await freePort();
    const child = spawn(process.execPath, ['--import', 'tsx', '--import', loader, mainTs], {
      cwd: repoRoot,
      env: {
        PATH: process.env.PATH ?? '',
        HOME: process.env.HOME ?? '',
        PORT: String(port),
        HOST: '127.0.0.1',
        DATABASE_URL: options.databaseUrl,
        REDIS_URL: options.redisUrl,
        PARLEY_REDIS_PREFIX: options.redisPrefix,
        PARLEY_NODE_ID: name,
        PARLEY_DATA_DIR: dataDir,
        JWT_SECRET,
        PARLEY_DEV_AUTH: 'true',
        LOG_LEVEL: 'warn',
        PARLEY_SEND_RATE: '1000',
        PARLEY_SEND_BURST: '5000',
        PARLEY_TYPING_RATE: '100',
        ...options.env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const output: string[] = [];
    const keep = (chunk: Buffer) => {
      output.push(chunk.toString());
      if (output.length > 60) output.shift();
    };
    child.stdout!.on('data', keep);
    child.stderr!.on('data', keep);
    const url = `http://127.0.0.1:${port}`;
    const node: ServerNode = {
      name,
      url,
      wsUrl: url.replace(/^http/, 'ws'),
      process: child,
      output,
      alive: () => child.exitCode === null && child.signalCode === null,
      kill: (signal = 'SIGTERM') =>
        new Promise<void>((resolve) => {
          if (!node.alive()) return resolve();
          child.once('exit', () => resolve());
          child.kill(signal);
        }),
    };
    await waitReady(url, node, 60_000);
    nodes.push(node);
    return node;
  };
  try {
    // The first node applies the migrations; the others then start side by side.
    await add(names[0]!);
    await Promise.all(names.slice(1).map(add));
  } catch (error) {
    await Promise.all(nodes.map((n) => n.kill('SIGKILL')));
    throw error;
  }
  return {
    nodes,
    add,
    async [Symbol.asyncDispose]() {
      await Promise.all(
        nodes.map(async (n) => {
          const force = setTimeout(() => n.process.kill('SIGKILL'), 10_000);
          await n.kill('SIGTERM');
          clearTimeout(force);
        }),
      );
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
