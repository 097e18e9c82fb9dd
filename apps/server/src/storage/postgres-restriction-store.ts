import type { RestrictionKind, RestrictionSource } from '@parley/protocol';
import type { NewRestriction, RestrictionStore, StoredRestriction } from '../ports/restriction-store.js';
import { OutboxEventWriter } from './outbox-events.js';
import type { SqlClient, SqlExecutor } from './sql-client.js';

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

/** The `user.restricted` event: the user's restriction now, null once lifted. */
const restrictedEvent = (userId: number, r: StoredRestriction | null) => ({
  event: 'user.restricted' as const,
  conversationId: null,
  data: { userId, restriction: r && { kind: r.kind, until: r.until?.toISOString() ?? null, reason: r.reason, source: r.source, createdAt: r.createdAt.toISOString() } },
});

export class PostgresRestrictionStore implements RestrictionStore {
  /** `events`: the event webhooks' filter; `user.restricted` is written with each change. */
  constructor(
    private readonly db: SqlClient,
    private readonly events: OutboxEventWriter = OutboxEventWriter.NONE,
  ) {}

  async get(userId: number): Promise<StoredRestriction | null> {
    const [row] = await this.db.query<RestrictionRow>(`SELECT ${COLUMNS} FROM user_restrictions WHERE user_id = $1`, [userId]);
    return row ? toRestriction(row) : null;
  }

  async set(r: NewRestriction): Promise<StoredRestriction> {
    return this.db.transaction(async (tx) => {
      const [row] = await tx.query<RestrictionRow>(
      `INSERT INTO user_restrictions (user_id, kind, until, reason, source) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (user_id) DO UPDATE SET kind = EXCLUDED.kind, until = EXCLUDED.until, reason = EXCLUDED.reason, source = EXCLUDED.source, created_at = now()
       RETURNING ${COLUMNS}`,
        [r.userId, r.kind, r.until, r.reason, r.source],
      );
      return this.logged(tx, r.userId, toRestriction(row!));
    });
  }

  async setIfNone(r: NewRestriction, now: Date): Promise<StoredRestriction | null> {
    return this.db.transaction(async (tx) => {
      const [row] = await tx.query<RestrictionRow>(
      `INSERT INTO user_restrictions (user_id, kind, until, reason, source) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (user_id) DO UPDATE SET kind = EXCLUDED.kind, until = EXCLUDED.until, reason = EXCLUDED.reason, source = EXCLUDED.source, created_at = now()
         WHERE user_restrictions.until IS NOT NULL AND user_restrictions.until <= $6
       RETURNING ${COLUMNS}`,
        [r.userId, r.kind, r.until, r.reason, r.source, now],
      );
      return row ? this.logged(tx, r.userId, toRestriction(row)) : null;
    });
  }

  async remove(userId: number, source?: RestrictionSource): Promise<boolean> {
    return this.db.transaction(async (tx) => {
      const rows = await tx.query(
        source ? 'DELETE FROM user_restrictions WHERE user_id = $1 AND source = $2 RETURNING user_id' : 'DELETE FROM user_restrictions WHERE user_id = $1 RETURNING user_id',
        source ? [userId, source] : [userId],
      );
      if (rows.length === 0) return false;
      await this.logged(tx, userId, null);
      return true;
    });
  }

  private async logged<R extends StoredRestriction | null>(tx: SqlExecutor, userId: number, restriction: R): Promise<R> {
    await this.events.append(tx, [restrictedEvent(userId, restriction)]);
    return restriction;
  }
}
