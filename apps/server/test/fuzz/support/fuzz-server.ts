import { Writable } from 'node:stream';
import { startTestServer, type TestServer } from '../../support/test-app.js';

/** Something a fuzz run saw that a correct server never does; `input` reproduces it. */
export interface Finding {
  protocol: string;
  problem: string;
  input?: string;
}

/** What one protocol's fuzzer did. */
export interface FuzzReport {
  protocol: string;
  /** Mutated inputs sent (frames, envelopes, records or request bodies). */
  inputs: number;
  /** Connections (or requests) the inputs went over. */
  connections: number;
  /** How the connections or requests ended, by outcome name. */
  outcomes: Record<string, number>;
  findings: Finding[];
}

export function newReport(protocol: string): FuzzReport {
  return { protocol, inputs: 0, connections: 0, outcomes: {}, findings: [] };
}

export function count(report: FuzzReport, outcome: string): void {
  report.outcomes[outcome] = (report.outcomes[outcome] ?? 0) + 1;
}

/** How many mutated inputs per protocol: PARLEY_FUZZ_RUNS (test code only), else `fallback`. */
export function fuzzRuns(fallback: number): number {
  const raw = process.env.PARLEY_FUZZ_RUNS;
  const runs = raw ? Number(raw) : fallback;
  if (!Number.isInteger(runs) || runs < 1) throw new Error(`PARLEY_FUZZ_RUNS must be a positive whole number, got "${raw}"`);
  return runs;
}

/**
 * The fast-check seed: PARLEY_FUZZ_SEED to replay a run, else `fixed` (the in-suite runs, so CI is
 * reproducible), else a fresh one (the long run explores; the seed is printed with any finding).
 */
export function fuzzSeed(fixed?: number): number {
  const raw = process.env.PARLEY_FUZZ_SEED;
  if (raw) return Number(raw);
  return fixed ?? Math.floor(Math.random() * 2 ** 31);
}

/** The seed of the fuzz runs inside `npm test`. */
export const SUITE_SEED = 20_261_130;

/**
 * A disposable in-process server for fuzzing that records what must never happen: error-level
 * log lines (an INTERNAL error, a failed push, a crashed handler), unhandled rejections and
 * uncaught exceptions anywhere in the process while it runs.
 */
export class FuzzServer implements AsyncDisposable {
  readonly errorLogs: string[] = [];
  readonly crashes: string[] = [];
  private readonly onRejection = (reason: unknown) => this.crashes.push(`unhandledRejection: ${describe(reason)}`);
  private readonly onException = (error: unknown) => this.crashes.push(`uncaughtException: ${describe(error)}`);

  private constructor(readonly server: TestServer) {}

  static async start(env: Record<string, string> = {}, doorOptions: Record<string, unknown> = {}): Promise<FuzzServer> {
    let fuzz: FuzzServer | null = null;
    const early: string[] = [];
    // Level 50 is pino's "error": only lines at that level or above reach the stream.
    const stream = new Writable({
      write(chunk, _encoding, done) {
        (fuzz?.errorLogs ?? early).push(String(chunk).trim());
        done();
      },
    });
    const server = await startTestServer({ PARLEY_SEND_RATE: '1000', PARLEY_SEND_BURST: '1000', ...env }, { logger: { level: 'error', stream }, doorOptions });
    fuzz = new FuzzServer(server);
    fuzz.errorLogs.push(...early);
    process.on('unhandledRejection', fuzz.onRejection);
    process.on('uncaughtException', fuzz.onException);
    return fuzz;
  }

  /** Everything that went wrong in the process so far, as findings of `protocol`. */
  problems(protocol: string): Finding[] {
    return [...this.errorLogs.map((line) => ({ protocol, problem: `error logged: ${line.slice(0, 2000)}` })), ...this.crashes.map((problem) => ({ protocol, problem }))];
  }

  async [Symbol.asyncDispose](): Promise<void> {
    try {
      const force = setTimeout(() => this.server.app.server.closeAllConnections(), 2000);
      await this.server.app.shutdown();
      clearTimeout(force);
    } finally {
      process.off('unhandledRejection', this.onRejection);
      process.off('uncaughtException', this.onException);
    }
  }
}

function describe(value: unknown): string {
  return value instanceof Error ? `${value.name}: ${value.message}\n${value.stack ?? ''}` : String(value);
}

/** A printable form of an input for a report: escapes control characters, bounds the length. */
export function printable(input: string | Buffer): string {
  const text = typeof input === 'string' ? JSON.stringify(input) : `bytes:${input.toString('hex')}`;
  return text.length > 600 ? `${text.slice(0, 600)}… (${text.length} chars)` : text;
}

/** Resolves after `ms`; for pacing only, never as an assertion. */
export const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
