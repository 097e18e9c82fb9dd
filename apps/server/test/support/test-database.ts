import { randomBytes } from 'node:crypto';
import pg from 'pg';

/** The PostgreSQL server tests may use, or null (those tests are then skipped loudly). */
export const TEST_DATABASE_URL = process.env.PARLEY_TEST_DATABASE_URL ?? null;

if (!TEST_DATABASE_URL && process.env.VITEST && !process.env.PARLEY_QUIET_SKIPS) {
  console.warn('\n!!! PARLEY_TEST_DATABASE_URL is not set: tests that need a real PostgreSQL server are SKIPPED. .ci/run sets it.\n');
}

export interface TestDatabase extends AsyncDisposable {
  url: string;
  drop(): Promise<void>;
}

/** A fresh, empty database on the test server, dropped on dispose. */
export async function createTestDatabase(): Promise<TestDatabase> {
  if (!TEST_DATABASE_URL) throw new Error('PARLEY_TEST_DATABASE_URL is not set');
  const name = `parley_test_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: TEST_DATABASE_URL });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  const url = new URL(TEST_DATABASE_URL);
  url.pathname = `/${name}`;
  let dropped = false;
  const drop = async () => {
    if (dropped) return;
    dropped = true;
    const client = new pg.Client({ connectionString: TEST_DATABASE_URL! });
    await client.connect();
    try {
      await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    } finally {
      await client.end();
    }
  };
  return { url: url.toString(), drop, [Symbol.asyncDispose]: drop };
}
