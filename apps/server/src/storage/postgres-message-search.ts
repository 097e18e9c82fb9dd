import type { FoundMessage, MessageSearch, SearchRequest } from '../ports/message-search.js';
import type { SqlClient } from './sql-client.js';
import { messageColumns, toMessage, type MessageRow } from './message-rows.js';
import { withReactions } from './message-reactions.js';

/**
 * Search through the `messages_search` GIN index (migration 10, docs/storage.md "Search"): the
 * query's tokens — the caller's participant token, the peer's when limited to one peer, and every
 * bigram of the lower-cased text — are built by the same SQL function as the indexed ones, so
 * both sides agree on case folding whatever the server's locale. The index returns only messages
 * holding all of them; `strpos` confirms the substring (bigrams in another order would match
 * too), and the exclusions are checked on those few rows. The page is cut on ids alone and only
 * its rows are read whole: a common term's thousands of candidates are sorted as bare ids.
 */
export const SEARCH_SQL = `
  SELECT ${messageColumns('m')}
  FROM (
    SELECT f.id
    FROM messages f
    JOIN conversation_members cm ON cm.user_id = $1 AND cm.conversation_id = f.conversation_id
    WHERE parley_search_tokens(f.sender_id, f.receiver_id, f.content) @> parley_search_tokens($1::int8, $2::int8, $3::text)
      AND f.message_type IN ('TEXT', 'CUSTOM') AND f.status = 'NORMAL'
      AND strpos(lower(f.content), lower($3::text)) > 0
      AND f.seq > cm.cleared_up_to_seq
      AND ($4::int8 IS NULL OR f.id < $4::int8)
      AND NOT EXISTS (SELECT 1 FROM hidden_messages h WHERE h.user_id = $1 AND h.message_id = f.id)
      AND NOT EXISTS (SELECT 1 FROM conversation_unmatches u WHERE u.conversation_id = f.conversation_id)
    ORDER BY f.id DESC
    LIMIT $5
  ) AS found
  JOIN messages m ON m.id = found.id
  ORDER BY m.id DESC`;

export class PostgresMessageSearch implements MessageSearch {
  constructor(private readonly db: SqlClient) {}

  async search(request: SearchRequest): Promise<FoundMessage[]> {
    const { userId, text, peerId, beforeId, limit } = request;
    // Without a peer the caller's token stands in for the second participant: @> needs it once.
    const rows = await this.db.query<MessageRow>(SEARCH_SQL, [userId, peerId ?? userId, text, beforeId, limit]);
    const messages = await withReactions(
      this.db,
      rows.map((row) => toMessage(row, userId)),
    );
    return messages.map((message) => ({ message, peerId: message.senderId === userId ? message.receiverId : message.senderId }));
  }
}
