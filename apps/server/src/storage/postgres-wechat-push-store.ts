import type { WeChatOpenIdsPatch, WeChatPushAccount, WeChatPushStore } from '../ports/wechat-push-store.js';
import type { SqlClient } from './sql-client.js';

interface AccountRow {
  open_id: string | null;
  oa_open_id: string | null;
  grant_balance: number;
}

const toAccount = (row: AccountRow | undefined): WeChatPushAccount =>
  row ? { openId: row.open_id, oaOpenId: row.oa_open_id, grantBalance: Number(row.grant_balance) } : { openId: null, oaOpenId: null, grantBalance: 0 };

export class PostgresWeChatPushStore implements WeChatPushStore {
  constructor(private readonly db: SqlClient) {}

  async get(userId: number): Promise<WeChatPushAccount> {
    const [row] = await this.db.query<AccountRow>('SELECT open_id, oa_open_id, grant_balance FROM wechat_push_accounts WHERE user_id = $1', [userId]);
    return toAccount(row);
  }

  async setOpenIds(userId: number, patch: WeChatOpenIdsPatch): Promise<WeChatPushAccount> {
    const [row] = await this.db.query<AccountRow>(
      `INSERT INTO wechat_push_accounts (user_id, open_id, oa_open_id) VALUES ($1, $2, $4)
       ON CONFLICT (user_id) DO UPDATE SET
         open_id    = CASE WHEN $3 THEN EXCLUDED.open_id ELSE wechat_push_accounts.open_id END,
         oa_open_id = CASE WHEN $5 THEN EXCLUDED.oa_open_id ELSE wechat_push_accounts.oa_open_id END,
         updated_at = now()
       RETURNING open_id, oa_open_id, grant_balance`,
      [userId, patch.openId ?? null, patch.openId !== undefined, patch.oaOpenId ?? null, patch.oaOpenId !== undefined],
    );
    return toAccount(row);
  }

  async addGrants(userId: number, count: number, cap: number): Promise<number> {
    const [row] = await this.db.query<{ grant_balance: number }>(
      `INSERT INTO wechat_push_accounts (user_id, grant_balance) VALUES ($1, LEAST($2::int, $3::int))
       ON CONFLICT (user_id) DO UPDATE SET grant_balance = LEAST(wechat_push_accounts.grant_balance + $2::int, $3::int), updated_at = now()
       RETURNING grant_balance`,
      [userId, count, cap],
    );
    return Number(row!.grant_balance);
  }

  async takeGrant(userId: number): Promise<string | null> {
    const [row] = await this.db.query<{ open_id: string }>(
      `UPDATE wechat_push_accounts SET grant_balance = grant_balance - 1
       WHERE user_id = $1 AND grant_balance > 0 AND open_id IS NOT NULL
       RETURNING open_id`,
      [userId],
    );
    return row?.open_id ?? null;
  }

  async returnGrant(userId: number): Promise<void> {
    await this.db.query('UPDATE wechat_push_accounts SET grant_balance = grant_balance + 1 WHERE user_id = $1', [userId]);
  }

  async clearGrants(userId: number): Promise<void> {
    await this.db.query('UPDATE wechat_push_accounts SET grant_balance = 0, updated_at = now() WHERE user_id = $1', [userId]);
  }
}
