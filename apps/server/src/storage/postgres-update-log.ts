import type { ConversationChange, ExchangeAnswer, HideNotice, Message, ReactionNotice, ReadReceipt, RecallNotice, SyncEvent, SyncPage } from '@parley/protocol';
import type { UpdateLog } from '../ports/update-log.js';
import type { SqlClient } from './sql-client.js';
import { messageColumns, toMessage, type MessageRow } from './message-rows.js';
import { withReactions } from './message-reactions.js';

type EntryRow = { u_seq: number; u_kind: string; u_data: unknown } & Partial<MessageRow>;

export class PostgresUpdateLog implements UpdateLog {
  constructor(private readonly db: SqlClient) {}

  async since(userId: number, since: number, limit: number): Promise<SyncPage> {
    const rows = await this.db.query<EntryRow>(
      `SELECT u.user_seq AS u_seq, u.kind AS u_kind, u.data AS u_data, ${messageColumns('msg')}
       FROM user_updates u LEFT JOIN messages msg ON u.kind IN ('message', 'edit') AND msg.id = u.message_id
       WHERE u.user_id = $1 AND u.user_seq > $2
       ORDER BY u.user_seq LIMIT $3`,
      [userId, since, limit + 1],
    );
    const [latest] = await this.db.query<{ last_user_seq: number }>('SELECT last_user_seq FROM users WHERE id = $1', [userId]);
    const events = rows.slice(0, limit).map((row): SyncEvent => {
      const userSeq = Number(row.u_seq);
      switch (row.u_kind) {
        case 'message':
          return { userSeq, type: 'message', data: toMessage(row as MessageRow, userId) };
        case 'read':
          return { userSeq, type: 'read', data: row.u_data as ReadReceipt };
        case 'recall':
          return { userSeq, type: 'recall', data: row.u_data as RecallNotice };
        case 'exchange':
          return { userSeq, type: 'exchange', data: row.u_data as ExchangeAnswer };
        case 'edit':
          // The message as it is now, like a message entry: a later edit or recall shows through.
          return { userSeq, type: 'edit', data: toMessage(row as MessageRow, userId) };
        case 'reaction':
          return { userSeq, type: 'reaction', data: row.u_data as ReactionNotice };
        case 'hide':
          return { userSeq, type: 'hide', data: row.u_data as HideNotice };
        case 'conversation':
          return { userSeq, type: 'conversation', data: row.u_data as ConversationChange };
        default:
          throw new Error(`unknown update kind ${row.u_kind}`);
      }
    });
    await withReactions(
      this.db,
      events.flatMap((event): Message[] => (event.type === 'message' || event.type === 'edit' ? [event.data] : [])),
    );
    const hasMore = rows.length > limit;
    const latestSeq = latest ? Number(latest.last_user_seq) : 0;
    // The two reads are separate snapshots: a change committed between them must not be reported
    // as the position, or a client adopting it would never fetch that change. Report no further
    // than the last event returned (on a complete page).
    const reached = events.length > 0 ? events[events.length - 1]!.userSeq : since;
    return { events, userSeq: hasMore ? latestSeq : Math.min(latestSeq, reached), hasMore };
  }
}
