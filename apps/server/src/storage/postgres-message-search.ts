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

/**
 * How many of the caller's newest searchable messages the recent walk reads before giving up on
 * filling the page (docs/performance.md, "Search", measures it): a term in at least one message in
 * about 25 fills a page of 21 within them; a rarer one falls back to the index, having cost a few
 * hundred rows read through a b-tree in id order.
 */
export const RECENT_WALK_ROWS = 500;

/**
 * The recent walk (migration 13): the caller's newest $5 searchable messages — the newest $5 as
 * sender and the newest $5 as receiver, each a backward scan of its b-tree index that stops there,
 * merged and cut again (a UNION ALL without a limit per side is planned as a sort of all the
 * caller's rows) — each checked with `strpos` and the same exclusions as above. Its page is exact whenever it is full:
 * the rows walked are a newest-first prefix of the caller's messages, so the first `limit` matches
 * among them are the first `limit` matches of all. The cursor is one bound of the index scan
 * (`coalesce`, not `IS NULL OR`, so it stays an index condition on a deep page).
 */
export const RECENT_SEARCH_SQL = `
  SELECT ${messageColumns('m')}
  FROM (
    SELECT w.id
    FROM (
      SELECT r.id, r.conversation_id, r.seq, r.content
      FROM (
        (SELECT s.id, s.conversation_id, s.seq, s.content FROM messages s
         WHERE s.sender_id = $1 AND s.message_type IN ('TEXT', 'CUSTOM') AND s.status = 'NORMAL'
           AND s.id < coalesce($3::int8, 9223372036854775807)
         ORDER BY s.id DESC
         LIMIT $5)
        UNION ALL
        (SELECT v.id, v.conversation_id, v.seq, v.content FROM messages v
         WHERE v.receiver_id = $1 AND v.message_type IN ('TEXT', 'CUSTOM') AND v.status = 'NORMAL'
           AND v.id < coalesce($3::int8, 9223372036854775807)
         ORDER BY v.id DESC
         LIMIT $5)
      ) AS r
      ORDER BY r.id DESC
      LIMIT $5
    ) AS w
    WHERE strpos(lower(w.content), lower($2::text)) > 0
      AND w.seq > (SELECT cm.cleared_up_to_seq FROM conversation_members cm WHERE cm.user_id = $1 AND cm.conversation_id = w.conversation_id)
      AND NOT EXISTS (SELECT 1 FROM hidden_messages h WHERE h.user_id = $1 AND h.message_id = w.id)
      AND NOT EXISTS (SELECT 1 FROM conversation_unmatches u WHERE u.conversation_id = w.conversation_id)
    ORDER BY w.id DESC
    LIMIT $4
  ) AS found
  JOIN messages m ON m.id = found.id
  ORDER BY m.id DESC`;

/**
 * Two paths, chosen per query without estimating anything: the recent walk first, kept when it
 * fills the page (a common term, cheap because it stops early); otherwise the GIN index (a rare
 * term, cheap because the index returns few rows). A search limited to one peer goes to the index
 * directly: the peer's token narrows it to that conversation's matches, which are few.
 */
export class PostgresMessageSearch implements MessageSearch {
  constructor(private readonly db: SqlClient) {}

  async search(request: SearchRequest): Promise<FoundMessage[]> {
    const { userId, text, peerId, beforeId, limit } = request;
    let rows: MessageRow[] | null = null;
    if (peerId === null) {
      const recent = await this.db.query<MessageRow>(RECENT_SEARCH_SQL, [userId, text, beforeId, limit, RECENT_WALK_ROWS]);
      if (recent.length >= limit) rows = recent;
    }
    // Without a peer the caller's token stands in for the second participant: @> needs it once.
    rows ??= await this.db.query<MessageRow>(SEARCH_SQL, [userId, peerId ?? userId, text, beforeId, limit]);
    const messages = await withReactions(
      this.db,
      rows.map((row) => toMessage(row, userId)),
    );
    return messages.map((message) => ({ message, peerId: message.senderId === userId ? message.receiverId : message.senderId }));
  }
}
