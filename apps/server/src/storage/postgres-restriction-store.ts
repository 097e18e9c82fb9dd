import type { RestrictionKind, RestrictionSource } from '@parley/protocol';
import type { NewRestriction, RestrictionStore, StoredRestriction } from '../ports/restriction-store.js';
import type { SqlClient } from './sql-client.js';

interface RestrictionRow {
  user_id: number;
  kind: RestrictionKind;
  until: Date | string | null;
  reason: string | null;
  source: RestrictionSource;
  created_at: Date | string;
}

const COLUMNS = 'user_id, kind, until, reason, source, created_at';

const toRestriction = (row: RestrictionRow): StoredRestriction => ({
  userId: Number(row.user_id),
  kind: row.kind,
  until: row.until === null ? null : new Date(row.until),
  reason: row.reason,
  source: row.source,
  createdAt: new Date(row.created_at),
});

export class PostgresRestrictionStore implements RestrictionStore {
  constructor(private readonly db: SqlClient) {}

  async get(userId: number): Promise<StoredRestriction | null> {
    const [row] = await this.db.query<RestrictionRow>(`SELECT ${COLUMNS} FROM user_restrictions WHERE user_id = $1`, [userId]);
    return row ? toRestriction(row) : null;
  }

  async set(r: NewRestriction): Promise<StoredRestriction> {
    const [row] = await this.db.query<RestrictionRow>(
      `INSERT INTO user_restrictions (user_id, kind, until, reason, source) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (user_id) DO UPDATE SET kind = EXCLUDED.kind, until = EXCLUDED.until, reason = EXCLUDED.reason, source = EXCLUDED.source, created_at = now()
       RETURNING ${COLUMNS}`,
      [r.userId, r.kind, r.until, r.reason, r.source],
    );
    return toRestriction(row!);
  }

  async setIfNone(r: NewRestriction, now: Date): Promise<StoredRestriction | null> {
    const [row] = await this.db.query<RestrictionRow>(
      `INSERT INTO user_restrictions (user_id, kind, until, reason, source) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (user_id) DO UPDATE SET kind = EXCLUDED.kind, until = EXCLUDED.until, reason = EXCLUDED.reason, source = EXCLUDED.source, created_at = now()
         WHERE user_restrictions.until IS NOT NULL AND user_restrictions.until <= $6
       RETURNING ${COLUMNS}`,
      [r.userId, r.kind, r.until, r.reason, r.source, now],
    );
    return row ? toRestriction(row) : null;
  }

  async remove(userId: number, source?: RestrictionSource): Promise<boolean> {
    const rows = await this.db.query(
      source ? 'DELETE FROM user_restrictions WHERE user_id = $1 AND source = $2 RETURNING user_id' : 'DELETE FROM user_restrictions WHERE user_id = $1 RETURNING user_id',
      source ? [userId, source] : [userId],
    );
    return rows.length > 0;
  }
}
