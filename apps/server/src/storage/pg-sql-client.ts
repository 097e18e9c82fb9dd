import pg from 'pg';
import type { SqlClient, SqlExecutor } from './sql-client.js';

const INT8 = 20;
const INT8_ARRAY = 1016;

// Ids stay below 2^53 (contract §2), so int8 maps to a JS number rather than a string.
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

/** PostgreSQL server through a `pg` pool. A small pool: on 2 cores 8 connections beat 32. */
export class PgSqlClient implements SqlClient {
  readonly kind = 'postgres' as const;
  private readonly pool: pg.Pool;

  constructor(connectionString: string, maxConnections = 8) {
    this.pool = new pg.Pool({ connectionString, max: maxConnections, types: typeParsers as never, connectionTimeoutMillis: 10_000 });
    // An idle client losing its connection must not crash the process; the next query reconnects.
    this.pool.on('error', () => {});
  }

  async query<R>(text: string, params?: readonly unknown[]): Promise<R[]> {
    const result = await this.pool.query(text, params as unknown[] | undefined);
    return result.rows as R[];
  }

  async transaction<T>(work: (tx: SqlExecutor) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
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
      throw error;
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
