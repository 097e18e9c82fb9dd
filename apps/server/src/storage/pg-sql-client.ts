import pg from 'pg';
import { AppError } from '../domain/app-error.js';
import type { SqlClient, SqlExecutor } from './sql-client.js';

const INT8 = 20;
const INT8_ARRAY = 1016;

// Ids are JSON numbers, so they stay below 2^53 (the schemas cap them there); int8 maps to a JS number rather than a string.
const typeParsers = {
  getTypeParser(oid: number, format?: 'text' | 'binary') {
    if (oid === INT8) return (value: string) => Number(value);
    if (oid === INT8_ARRAY) {
      const parseArray = pg.types.getTypeParser(INT8_ARRAY as never, 'text') as (v: string) => unknown[];
      return (value: string) => parseArray(value).map((v) => (v === null ? null : Number(v)));
    }
    return pg.types.getTypeParser(oid as never, format ?? 'text');
  },
};

// Connection-level failures: the server is down, restarting or unreachable. Nothing was committed.
const OUTAGE_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', '57P01', '57P02', '57P03', '08000', '08001', '08003', '08006']);

function asOutage(error: unknown): unknown {
  const code = (error as { code?: string })?.code;
  const lostConnection = code !== undefined && OUTAGE_CODES.has(code);
  const timedOut = error instanceof Error && /timeout exceeded when trying to connect|Connection terminated/i.test(error.message);
  if (!lostConnection && !timedOut) return error;
  return new AppError('UNAVAILABLE', 'the database is unreachable; nothing was stored, retry later', undefined, { cause: error });
}

/** PostgreSQL server through a `pg` pool. A small pool: on 2 cores 8 connections beat 32. */
export class PgSqlClient implements SqlClient {
  readonly kind = 'postgres' as const;
  private readonly pool: pg.Pool;

  constructor(connectionString: string, maxConnections = 8) {
    this.pool = new pg.Pool({ connectionString, max: maxConnections, types: typeParsers as never, connectionTimeoutMillis: 10_000 });
    // An idle client losing its connection must not crash the process; the next query reconnects.
    this.pool.on('error', () => {});
  }

  poolStats(): { total: number; idle: number; waiting: number } {
    return { total: this.pool.totalCount, idle: this.pool.idleCount, waiting: this.pool.waitingCount };
  }

  async query<R>(text: string, params?: readonly unknown[]): Promise<R[]> {
    try {
      return (await this.pool.query(text, params as unknown[] | undefined)).rows as R[];
    } catch (error) {
      throw asOutage(error);
    }
  }

  async transaction<T>(work: (tx: SqlExecutor) => Promise<T>): Promise<T> {
    const client = await this.pool.connect().catch((error: unknown) => {
      throw asOutage(error);
    });
    try {
      await client.query('BEGIN');
      const tx: SqlExecutor = {
        query: async <R>(text: string, params?: readonly unknown[]) => (await client.query(text, params as unknown[] | undefined)).rows as R[],
      };
      const result = await work(tx);
      await client.query('COMMIT');
      return result;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => {});
      throw asOutage(error);
    } finally {
      client.release();
    }
  }

  async exec(script: string): Promise<void> {
    await this.pool.query(script);
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}
