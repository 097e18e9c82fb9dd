import type { UserSettings } from '@parley/protocol';
import type { UserSettingsStore } from '../ports/user-settings-store.js';
import type { SqlClient } from './sql-client.js';

/** The settings live on the user row (`users.read_receipts`). */
export class PostgresUserSettingsStore implements UserSettingsStore {
  constructor(private readonly db: SqlClient) {}

  async get(userId: number): Promise<UserSettings | null> {
    const [row] = await this.db.query<{ read_receipts: boolean }>('SELECT read_receipts FROM users WHERE id = $1', [userId]);
    return row ? { readReceipts: row.read_receipts } : null;
  }

  async update(userId: number, patch: Partial<UserSettings>): Promise<UserSettings | null> {
    const [row] = await this.db.query<{ read_receipts: boolean }>(
      'UPDATE users SET read_receipts = COALESCE($2, read_receipts), updated_at = now() WHERE id = $1 RETURNING read_receipts',
      [userId, patch.readReceipts ?? null],
    );
    return row ? { readReceipts: row.read_receipts } : null;
  }

  async withReadReceiptsOff(userIds: readonly number[]): Promise<Set<number>> {
    if (userIds.length === 0) return new Set();
    const rows = await this.db.query<{ id: number }>('SELECT id FROM users WHERE id = ANY($1::int8[]) AND NOT read_receipts', [[...new Set(userIds)]]);
    return new Set(rows.map((r) => Number(r.id)));
  }
}
