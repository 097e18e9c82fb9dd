import type { Config } from '../config.js';
import { migrate } from './migrate.js';
import { PgliteSqlClient } from './pglite-sql-client.js';
import { PgSqlClient } from './pg-sql-client.js';
import type { SqlClient } from './sql-client.js';

/** PostgreSQL when DATABASE_URL is set, otherwise embedded PGlite in the data dir; migrated. */
export async function openDatabase(config: Pick<Config, 'databaseUrl' | 'dataDir'>): Promise<SqlClient> {
  const db = config.databaseUrl
    ? new PgSqlClient(config.databaseUrl)
    : await PgliteSqlClient.open(config.dataDir === 'memory://' ? 'memory://' : `${config.dataDir.replace(/\/$/, '')}/pglite`);
  try {
    await migrate(db);
  } catch (error) {
    await db.close().catch(() => {});
    throw error;
  }
  return db;
}
