import { orderedPair } from '../domain/conversation-pair.js';
import type { WordLists } from '../domain/safety/word-matcher.js';
import type { SafetyStore, StoredWordLists } from '../ports/safety-store.js';
import type { SqlClient } from './sql-client.js';

/** Word lists in the one-row `moderation_word_lists` table; exchanges read from the messages (migration 6). */
export class PostgresSafetyStore implements SafetyStore {
  constructor(private readonly db: SqlClient) {}

  async hasAcceptedWeChatExchange(userA: number, userB: number): Promise<boolean> {
    const [lo, hi] = orderedPair(userA, userB);
    // The partial index messages_accepted_wechat_exchange holds only accepted WeChat requests.
    const rows = await this.db.query(
      `SELECT 1 FROM conversations c JOIN messages m ON m.conversation_id = c.id
       WHERE c.user_lo = $1 AND c.user_hi = $2
         AND m.message_type = 'EXCHANGE_WECHAT_REQUEST' AND m.extra ->> 'exchangeStatus' = 'ACCEPTED'
       LIMIT 1`,
      [lo, hi],
    );
    return rows.length > 0;
  }

  async wordListsVersion(): Promise<number> {
    const [row] = await this.db.query<{ version: number }>('SELECT version FROM moderation_word_lists');
    return Number(row?.version ?? 0);
  }

  async wordLists(): Promise<StoredWordLists> {
    const [row] = await this.db.query<{ version: number; block: string[]; mask: string[] }>('SELECT version, block, mask FROM moderation_word_lists');
    return { version: Number(row?.version ?? 0), block: row?.block ?? [], mask: row?.mask ?? [] };
  }

  async replaceWordLists(lists: WordLists): Promise<number> {
    const [row] = await this.db.query<{ version: number }>(
      `UPDATE moderation_word_lists SET block = $1::text[], mask = $2::text[], version = version + 1, updated_at = now()
       RETURNING version`,
      [lists.block, lists.mask],
    );
    return Number(row!.version);
  }
}
