import type { Config } from '../config.js';
import { migrate } from './migrate.js';
import { PgliteSqlClient } from './pglite-sql-client.js';
import { PgliteWorkerClient } from './pglite-worker-client.js';
import { PgSqlClient } from './pg-sql-client.js';
import type { SqlClient } from './sql-client.js';

/**
 * PostgreSQL when DATABASE_URL is set, otherwise embedded PGlite in the data dir (in a worker
 * thread when `pgliteWorker` is set, else on this thread); migrated.
 */
export async function openDatabase(config: Pick<Config, 'databaseUrl' | 'dataDir'> & Partial<Pick<Config, 'pgliteWorker'>>): Promise<SqlClient> {
  const db = config.databaseUrl ? new PgSqlClient(config.databaseUrl) : await openPglite(config.dataDir, config.pgliteWorker ?? false);
  try {
    await migrate(db);
  } catch (error) {
    await db.close().catch(() => {});
    throw error;
  }
  return db;
}

function openPglite(dataDir: string, inWorker: boolean): Promise<SqlClient> {
  const location = dataDir === 'memory://' ? 'memory://' : `${dataDir.replace(/\/$/, '')}/pglite`;
  return inWorker ? PgliteWorkerClient.open(location) : PgliteSqlClient.open(location);
}
