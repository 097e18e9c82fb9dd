import { mkdir } from 'node:fs/promises';
import { PGlite } from '@electric-sql/pglite';
import type { SqlClient, SqlExecutor } from './sql-client.js';

/**
 * Embedded PostgreSQL (PGlite, WASM) in a directory or in memory. One connection: transactions
 * run one at a time, which is also why the batched write path matters most here.
 */
export class PgliteSqlClient implements SqlClient {
  readonly kind = 'pglite' as const;

  private constructor(private readonly db: PGlite) {}

  /** `dataDir` is a directory, or `memory://` for a database that lives only in this process. */
  static async open(dataDir: string): Promise<PgliteSqlClient> {
    if (dataDir === 'memory://') return new PgliteSqlClient(await PGlite.create());
    await mkdir(dataDir, { recursive: true });
    return new PgliteSqlClient(await PGlite.create(dataDir));
  }

  async query<R>(text: string, params?: readonly unknown[]): Promise<R[]> {
    return (await this.db.query<R>(text, params as unknown[] | undefined)).rows;
  }

  async transaction<T>(work: (tx: SqlExecutor) => Promise<T>): Promise<T> {
    return this.db.transaction(async (tx) =>
      work({ query: async <R>(text: string, params?: readonly unknown[]) => (await tx.query<R>(text, params as unknown[] | undefined)).rows }),
    );
  }

  async exec(script: string): Promise<void> {
    await this.db.exec(script);
  }

  async close(): Promise<void> {
    await this.db.close();
  }
}
