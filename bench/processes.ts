/**
 * Child processes of the bench: servers under test and the connection generator. Each runs in
 * its own process so no two share an event loop. They start through `sh -c "ulimit -n …"`,
 * because Node cannot raise its own open-file limit and 10,000 sockets need more than the usual
 * 1,024 (raising it works as root; otherwise the current limit stays and the bench says so).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const OPEN_FILES = 65_536;

export function spawnNode(script: string, args: string[], env: NodeJS.ProcessEnv, nodeFlags: string[] = []): ChildProcess {
  const command = `ulimit -n ${OPEN_FILES} 2>/dev/null || echo "[bench] could not raise ulimit -n to ${OPEN_FILES}: $(ulimit -n) open files" >&2; exec "$@"`;
  return spawn('/bin/sh', ['-c', command, 'sh', process.execPath, '--import', 'tsx', '--expose-gc', ...nodeFlags, script, ...args], {
    env,
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
}

/** The next IPC message of `child` that has `key`; rejects if the child exits first. */
export function nextMessage<T>(child: ChildProcess, key: string): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const onMessage = (message: unknown) => {
      if (typeof message === 'object' && message !== null && key in message) {
        cleanup();
        resolve(message as T);
      }
    };
    const onExit = (code: number | null) => {
      cleanup();
      reject(new Error(`child exited with ${code} before sending "${key}"`));
    };
    const cleanup = () => {
      child.off('message', onMessage);
      child.off('exit', onExit);
    };
    child.on('message', onMessage);
    child.once('exit', onExit);
  });
}

export function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise<void>((resolve) => {
    const force = setTimeout(() => child.kill('SIGKILL'), 15_000);
    child.once('exit', () => {
      clearTimeout(force);
      resolve();
    });
    child.send('stop');
  });
}

export type ServerMode = 'parley' | 'raw' | 'socketio';

export interface RunningServer {
  url: string;
  /** Resident set size of the server process after a full garbage collection. */
  rss(): Promise<number>;
  stop(): Promise<void>;
}

const SERVER = fileURLToPath(new URL('./bench-server.ts', import.meta.url));

/** `checkout` runs the bench server of another copy of the repository (the A side of an A/B run). */
export async function startServer(mode: ServerMode, env: NodeJS.ProcessEnv, checkout?: string, profileDir?: string): Promise<RunningServer> {
  const script = checkout ? `${checkout}/bench/bench-server.ts` : SERVER;
  const child = spawnNode(script, [mode], env, profileDir ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : []);
  const { url } = await nextMessage<{ url: string }>(child, 'url');
  return {
    url,
    rss: async () => {
      const answer = nextMessage<{ rss: number }>(child, 'rss');
      child.send('rss');
      return (await answer).rss;
    },
    stop: () => stopChild(child),
  };
}
