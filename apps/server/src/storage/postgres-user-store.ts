import type { ProfilePatch, UserProfile, UserStore } from '../ports/user-store.js';
import type { SqlClient, SqlExecutor } from './sql-client.js';

interface UserRow {
  id: number;
  name: string | null;
  avatar_url: string | null;
  wechat_id: string | null;
  photo_urls: string[];
  last_seen_at: Date | null;
  created_at: Date;
}

const COLUMNS = 'id, name, avatar_url, wechat_id, photo_urls, last_seen_at, created_at';

function toProfile(row: UserRow): UserProfile {
  return {
    id: Number(row.id),
    name: row.name,
    avatarUrl: row.avatar_url,
    wechatId: row.wechat_id,
    photoUrls: Array.isArray(row.photo_urls) ? row.photo_urls : [],
    lastSeenAt: row.last_seen_at ? new Date(row.last_seen_at) : null,
    createdAt: new Date(row.created_at),
  };
}

/**
 * Profiles read inside a write transaction with their rows locked (in id order, the one lock
 * order of every write): a concurrent profile update waits until the transaction ends.
 */
export async function lockProfiles(tx: SqlExecutor, ids: readonly number[]): Promise<Map<number, UserProfile>> {
  const rows = await tx.query<UserRow>(`SELECT ${COLUMNS} FROM users WHERE id = ANY($1::int8[]) ORDER BY id FOR NO KEY UPDATE`, [[...ids]]);
  return new Map(rows.map((r) => [Number(r.id), toProfile(r)]));
}

export class PostgresUserStore implements UserStore {
  constructor(private readonly db: SqlClient) {}

  async upsert(id: number, patch: ProfilePatch): Promise<UserProfile> {
    const has = (key: keyof ProfilePatch) => patch[key] !== undefined;
    const [row] = await this.db.query<UserRow>(
      `INSERT INTO users (id, name, avatar_url, wechat_id, photo_urls)
       VALUES ($1, $2, $4, $6, COALESCE($8::jsonb, '[]'::jsonb))
       ON CONFLICT (id) DO UPDATE SET
         name       = CASE WHEN $3 THEN EXCLUDED.name ELSE users.name END,
         avatar_url = CASE WHEN $5 THEN EXCLUDED.avatar_url ELSE users.avatar_url END,
         wechat_id  = CASE WHEN $7 THEN EXCLUDED.wechat_id ELSE users.wechat_id END,
         photo_urls = CASE WHEN $9 THEN EXCLUDED.photo_urls ELSE users.photo_urls END,
         updated_at = now()
       RETURNING ${COLUMNS}`,
      [
        id,
        patch.name ?? null,
        has('name'),
        patch.avatarUrl ?? null,
        has('avatarUrl'),
        patch.wechatId ?? null,
        has('wechatId'),
        patch.photoUrls ? JSON.stringify(patch.photoUrls) : null,
        has('photoUrls'),
      ],
    );
    return toProfile(row!);
  }

  async get(id: number): Promise<UserProfile | null> {
    const [row] = await this.db.query<UserRow>(`SELECT ${COLUMNS} FROM users WHERE id = $1`, [id]);
    return row ? toProfile(row) : null;
  }

  async getMany(ids: readonly number[]): Promise<Map<number, UserProfile>> {
    if (ids.length === 0) return new Map();
    const rows = await this.db.query<UserRow>(`SELECT ${COLUMNS} FROM users WHERE id = ANY($1::int8[])`, [[...ids]]);
    return new Map(rows.map((r) => [Number(r.id), toProfile(r)]));
  }

  async setLastSeen(id: number, at: Date): Promise<void> {
    await this.db.query('UPDATE users SET last_seen_at = $2 WHERE id = $1', [id, at]);
  }

  async latestUserSeq(id: number): Promise<number> {
    const [row] = await this.db.query<{ last_user_seq: number }>('SELECT last_user_seq FROM users WHERE id = $1', [id]);
    return row ? Number(row.last_user_seq) : 0;
  }
}
