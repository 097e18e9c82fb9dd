import type { SqlClient } from './sql-client.js';
import { MIGRATIONS } from './migrations/index.js';

// Arbitrary constant shared by every node: only one applies migrations at a time.
const MIGRATION_LOCK_KEY = 724_1501;

/** Applies pending migrations in order, each in its own transaction, under a session advisory lock. */
export async function migrate(db: SqlClient): Promise<number[]> {
  const applied: number[] = [];
  await db.transaction(async (tx) => {
    // A transaction-scoped lock: released on COMMIT even if this process dies mid-way.
    await tx.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK_KEY]);
    await tx.query(`CREATE TABLE IF NOT EXISTS schema_migrations (
      version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`);
    const rows = await tx.query<{ version: number }>('SELECT version FROM schema_migrations');
    const done = new Set(rows.map((r) => Number(r.version)));
    for (const migration of MIGRATIONS) {
      if (done.has(migration.version)) continue;
      for (const statement of splitStatements(migration.sql)) await tx.query(statement);
      await tx.query('INSERT INTO schema_migrations (version, name) VALUES ($1, $2)', [migration.version, migration.name]);
      applied.push(migration.version);
    }
  });
  return applied;
}

/**
 * Splits a script at `;` at line ends, except inside dollar-quoted bodies (`$fn$ … $fn$`, as a
 * function's body is written), whose statements end in `;` too.
 */
function splitStatements(script: string): string[] {
  const statements: string[] = [];
  let current: string[] = [];
  let openTag: string | null = null;
  for (const line of script.split('\n')) {
    current.push(line);
    for (const [tag] of line.matchAll(/\$[A-Za-z_]*\$/g)) {
      if (openTag === null) openTag = tag;
      else if (tag === openTag) openTag = null;
    }
    if (openTag === null && /;\s*$/.test(line)) {
      statements.push(current.join('\n').replace(/;\s*$/, ''));
      current = [];
    }
  }
  statements.push(current.join('\n'));
  return statements.map((s) => s.replace(/^\s*--.*$/gm, '').trim()).filter((s) => s.length > 0);
}
