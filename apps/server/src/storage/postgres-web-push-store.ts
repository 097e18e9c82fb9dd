import type { WebPushStore, WebPushSubscription } from '../ports/web-push-store.js';
import type { SqlClient } from './sql-client.js';

export class PostgresWebPushStore implements WebPushStore {
  constructor(private readonly db: SqlClient) {}

  async save(userId: number, subscription: WebPushSubscription): Promise<void> {
    await this.db.query(
      `INSERT INTO webpush_subscriptions (endpoint, user_id, p256dh, auth) VALUES ($1, $2, $3, $4)
       ON CONFLICT (endpoint) DO UPDATE SET user_id = EXCLUDED.user_id, p256dh = EXCLUDED.p256dh, auth = EXCLUDED.auth, created_at = now()`,
      [subscription.endpoint, userId, subscription.keys.p256dh, subscription.keys.auth],
    );
  }

  async remove(userId: number, endpoint: string): Promise<boolean> {
    const rows = await this.db.query('DELETE FROM webpush_subscriptions WHERE endpoint = $1 AND user_id = $2 RETURNING endpoint', [endpoint, userId]);
    return rows.length > 0;
  }

  async removeEndpoint(endpoint: string): Promise<void> {
    await this.db.query('DELETE FROM webpush_subscriptions WHERE endpoint = $1', [endpoint]);
  }

  async forUser(userId: number): Promise<WebPushSubscription[]> {
    const rows = await this.db.query<{ endpoint: string; p256dh: string; auth: string }>(
      'SELECT endpoint, p256dh, auth FROM webpush_subscriptions WHERE user_id = $1 ORDER BY created_at',
      [userId],
    );
    return rows.map((r) => ({ endpoint: r.endpoint, keys: { p256dh: r.p256dh, auth: r.auth } }));
  }
}
