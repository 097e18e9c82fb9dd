import type { BlockStore } from '../ports/block-store.js';
import type { SqlClient } from './sql-client.js';

export class PostgresBlockStore implements BlockStore {
  constructor(private readonly db: SqlClient) {}

  async block(blockerId: number, blockedId: number): Promise<void> {
    await this.db.query('INSERT INTO blocks (blocker_id, blocked_id) VALUES ($1, $2) ON CONFLICT DO NOTHING', [blockerId, blockedId]);
  }

  async unblock(blockerId: number, blockedId: number): Promise<void> {
    await this.db.query('DELETE FROM blocks WHERE blocker_id = $1 AND blocked_id = $2', [blockerId, blockedId]);
  }

  async list(blockerId: number): Promise<{ userId: number; createdAt: Date }[]> {
    const rows = await this.db.query<{ blocked_id: number; created_at: Date }>(
      'SELECT blocked_id, created_at FROM blocks WHERE blocker_id = $1 ORDER BY created_at DESC, blocked_id',
      [blockerId],
    );
    return rows.map((r) => ({ userId: Number(r.blocked_id), createdAt: new Date(r.created_at) }));
  }

  async isBlocked(blockerId: number, blockedId: number): Promise<boolean> {
    const rows = await this.db.query('SELECT 1 FROM blocks WHERE blocker_id = $1 AND blocked_id = $2', [blockerId, blockedId]);
    return rows.length > 0;
  }
}
