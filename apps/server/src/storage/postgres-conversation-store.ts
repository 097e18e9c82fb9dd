import type { ConversationCursor, ConversationSide, ConversationStore, ListView, PeerRelation } from '../ports/conversation-store.js';
import { orderedPair } from '../domain/conversation-pair.js';
import type { SqlClient } from './sql-client.js';
import { messageColumns, toMessage, type MessageRow } from './message-rows.js';
import { withReactions } from './message-reactions.js';

type SideRow = {
  c_id: number;
  c_peer_id: number;
  c_unread: number;
  c_read: number;
  c_peer_read: number;
  c_activity_us: number;
  c_last_seq: number;
  c_pinned_at: Date | null;
  c_muted: boolean;
  c_archived: boolean;
} & Partial<MessageRow>;

/**
 * One member's side. The peer's read mark is a subquery, not a join: the planner takes a join on
 * two columns of the same table for very selective, expects few rows, and then sorts all of a
 * user's conversations instead of walking the list index and stopping at the page size.
 */
const SIDE_SELECT = `
  SELECT m.conversation_id AS c_id, m.peer_id AS c_peer_id, m.unread_count AS c_unread, m.read_up_to_seq AS c_read,
         (SELECT pm.read_up_to_seq FROM conversation_members pm WHERE pm.user_id = m.peer_id AND pm.conversation_id = m.conversation_id) AS c_peer_read,
         m.last_activity_us AS c_activity_us, c.last_seq AS c_last_seq,
         m.pinned_at AS c_pinned_at, m.muted AS c_muted, m.archived AS c_archived, ${messageColumns('msg')}
  FROM conversation_members m
  JOIN conversations c ON c.id = m.conversation_id
  LEFT JOIN LATERAL (
    -- The last message this member still sees: above their clear mark and not hidden for them.
    SELECT x.* FROM messages x
    WHERE x.conversation_id = m.conversation_id AND x.seq > m.cleared_up_to_seq
      AND NOT EXISTS (SELECT 1 FROM hidden_messages h WHERE h.user_id = m.user_id AND h.message_id = x.id)
    ORDER BY x.seq DESC LIMIT 1
  ) msg ON true`;

/** Listed: not cleared by this member since its last message, and not unmatched (gone from both members' lists). */
const LISTED = `c.last_seq > m.cleared_up_to_seq
  AND NOT EXISTS (SELECT 1 FROM conversation_unmatches u WHERE u.conversation_id = m.conversation_id)`;

/** The list's order, as the index conversation_members_list keeps it: pinned first by pin time, then by activity. */
const PIN_KEY = "COALESCE(m.pinned_at, '-infinity'::timestamptz)";

function toSide(row: SideRow, userId: number): ConversationSide {
  return {
    id: Number(row.c_id),
    userId,
    peerId: Number(row.c_peer_id),
    lastSeq: Number(row.c_last_seq),
    lastMessage: row.id == null ? null : toMessage(row as MessageRow, userId),
    lastMessageAt: row.created_at ? new Date(row.created_at) : null,
    activityUs: Number(row.c_activity_us),
    pinnedAt: row.c_pinned_at ? new Date(row.c_pinned_at) : null,
    muted: Boolean(row.c_muted),
    archived: Boolean(row.c_archived),
    unreadCount: Number(row.c_unread),
    myReadUpToSeq: Number(row.c_read),
    peerReadUpToSeq: Number(row.c_peer_read),
  };
}

export class PostgresConversationStore implements ConversationStore {
  constructor(private readonly db: SqlClient) {}

  async findByPair(userA: number, userB: number): Promise<{ id: number } | null> {
    const [lo, hi] = orderedPair(userA, userB);
    const [row] = await this.db.query<{ id: number }>('SELECT id FROM conversations WHERE user_lo = $1 AND user_hi = $2', [lo, hi]);
    return row ? { id: Number(row.id) } : null;
  }

  async exists(conversationId: number): Promise<boolean> {
    return (await this.db.query('SELECT 1 FROM conversations WHERE id = $1', [conversationId])).length > 0;
  }

  async participants(conversationId: number): Promise<[number, number] | null> {
    const [row] = await this.db.query<{ user_lo: number; user_hi: number }>('SELECT user_lo, user_hi FROM conversations WHERE id = $1', [conversationId]);
    return row ? [Number(row.user_lo), Number(row.user_hi)] : null;
  }

  async getSide(conversationId: number, userId: number): Promise<ConversationSide | null> {
    const [row] = await this.db.query<SideRow>(`${SIDE_SELECT} WHERE m.user_id = $1 AND m.conversation_id = $2`, [userId, conversationId]);
    return row ? (await this.withLastMessageReactions([toSide(row, userId)]))[0]! : null;
  }

  async listSides(userId: number, before: ConversationCursor | null, limit: number, view: ListView = { archived: false }): Promise<ConversationSide[]> {
    // One walk down the index in its order; cleared and unmatched conversations are skipped on the way.
    const rows = await this.db.query<SideRow>(
      `${SIDE_SELECT}
       WHERE m.user_id = $1 AND m.archived = $5 AND ${LISTED}
         AND ($2::int8 IS NULL OR (${PIN_KEY}, m.last_activity_us, m.conversation_id) < ($6::timestamptz, $2::int8, $3::int8))
       ORDER BY ${PIN_KEY} DESC, m.last_activity_us DESC, m.conversation_id DESC
       LIMIT $4`,
      [userId, before?.activityUs ?? null, before?.id ?? null, limit, view.archived, before?.pinnedAt ? before.pinnedAt.toISOString() : '-infinity'],
    );
    return this.withLastMessageReactions(rows.map((r) => toSide(r, userId)));
  }

  /** The last messages' reactions, one query for the whole page. */
  private async withLastMessageReactions(sides: ConversationSide[]): Promise<ConversationSide[]> {
    await withReactions(
      this.db,
      sides.map((side) => side.lastMessage),
    );
    return sides;
  }

  async peerRelations(userId: number, options: { candidates?: readonly number[]; withWriting: boolean }): Promise<PeerRelation[]> {
    if (options.candidates?.length === 0) return [];
    // Each EXISTS stops at the first row found: the blocks primary key answers the first two, and
    // the per-conversation seq index the writing ones (an AND skips them when not asked for).
    const rows = await this.db.query<{ peer_id: number; blocked: boolean; both_wrote: boolean }>(
      `SELECT m.peer_id,
              EXISTS (SELECT 1 FROM blocks b WHERE b.blocker_id = m.user_id AND b.blocked_id = m.peer_id)
                OR EXISTS (SELECT 1 FROM blocks b WHERE b.blocker_id = m.peer_id AND b.blocked_id = m.user_id) AS blocked,
              $3::boolean
                AND EXISTS (SELECT 1 FROM messages x WHERE x.conversation_id = m.conversation_id AND x.sender_id = m.user_id)
                AND EXISTS (SELECT 1 FROM messages x WHERE x.conversation_id = m.conversation_id AND x.sender_id = m.peer_id) AS both_wrote
       FROM conversation_members m
       WHERE m.user_id = $1 AND ($2::int8[] IS NULL OR m.peer_id = ANY($2::int8[]))`,
      [userId, options.candidates ? [...options.candidates] : null, options.withWriting],
    );
    return rows.map((r) => ({ peerId: Number(r.peer_id), blocked: Boolean(r.blocked), bothWrote: Boolean(r.both_wrote) }));
  }
}
