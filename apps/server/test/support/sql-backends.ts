import { openDatabase } from '../../src/storage/open-database.js';
import type { SqlClient } from '../../src/storage/sql-client.js';
import { createTestDatabase, TEST_DATABASE_URL } from './test-database.js';

export interface SqlBackend {
  name: string;
  /** False when no PostgreSQL server is configured for tests: its cases are skipped. */
  available: boolean;
  /** A migrated, empty database of this kind, and how to remove it. */
  open(): Promise<{ db: SqlClient; dispose(): Promise<void> }>;
}

/**
 * The two databases every storage behaviour suite runs on: embedded PGlite (`memory://`) and a
 * real PostgreSQL server (a fresh database, dropped afterwards), so one suite proves both.
 */
export const SQL_BACKENDS: readonly SqlBackend[] = [
  {
    name: 'PGlite (memory://)',
    available: true,
    async open() {
      const db = await openDatabase({ databaseUrl: null, dataDir: 'memory://' });
      return { db, dispose: () => db.close() };
    },
  },
  {
    name: 'PostgreSQL',
    available: Boolean(TEST_DATABASE_URL),
    async open() {
      const database = await createTestDatabase();
      const db = await openDatabase({ databaseUrl: database.url, dataDir: 'memory://' });
      return {
        db,
        async dispose() {
          await db.close();
          await database.drop();
        },
      };
    },
  },
];
