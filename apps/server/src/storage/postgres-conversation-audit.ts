import type { Message } from '@parley/protocol';
import type { ConversationAudit } from '../ports/conversation-audit.js';
import type { HistoryRange } from '../ports/message-store.js';
import { withReactions } from './message-reactions.js';
import { MESSAGE_COLUMNS, toMessage, type MessageRow } from './message-rows.js';
import type { SqlClient } from './sql-client.js';

/** The operator's read: the history query without any viewer's visibility rules. */
export class PostgresConversationAudit implements ConversationAudit {
  constructor(private readonly db: SqlClient) {}

  async history(conversationId: number, renderFor: number, range: HistoryRange): Promise<{ items: Message[]; hasMore: boolean }> {
    const { beforeSeq, afterSeq, limit } = range;
    const ascending = afterSeq !== undefined;
    const rows = await this.db.query<MessageRow>(
      `SELECT ${MESSAGE_COLUMNS} FROM messages
       WHERE conversation_id = $1 AND ($2::int8 IS NULL OR seq > $2) AND ($3::int8 IS NULL OR seq < $3)
       ORDER BY seq ${ascending ? 'ASC' : 'DESC'} LIMIT $4`,
      [conversationId, afterSeq ?? null, beforeSeq ?? null, limit + 1],
    );
    const hasMore = rows.length > limit;
    const page = rows.slice(0, limit);
    if (!ascending) page.reverse();
    return { items: await withReactions(this.db, page.map((r) => toMessage(r, renderFor))), hasMore };
  }
}
