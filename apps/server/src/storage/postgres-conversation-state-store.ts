import type { ConversationChange, ConversationSettings, HideNotice } from '@parley/protocol';
import type { ClearOutcome, ConversationStateStore, HideOutcome, SettingsOutcome, SettingsPatch } from '../ports/conversation-state-store.js';
import type { SqlClient, SqlExecutor } from './sql-client.js';
import { appendUpdates } from './write-path.js';

const UNMATCHED = 'EXISTS (SELECT 1 FROM conversation_unmatches u WHERE u.conversation_id = c.id)';

interface MemberRow {
  last_seq: number;
  pinned: boolean;
  muted: boolean;
  archived: boolean;
  cleared_up_to_seq: number;
  unread_count: number;
  unmatched: boolean;
}

export class PostgresConversationStateStore implements ConversationStateStore {
  constructor(private readonly db: SqlClient) {}

  async hide(userId: number, messageId: number): Promise<HideOutcome> {
    return this.db.transaction(async (tx) => {
      const [row] = await tx.query<{ conversation_id: number; seq: number; visible: boolean; unmatched: boolean }>(
        `SELECT x.conversation_id, x.seq,
                x.seq > m.cleared_up_to_seq AND NOT EXISTS (SELECT 1 FROM hidden_messages h WHERE h.user_id = m.user_id AND h.message_id = x.id) AS visible,
                EXISTS (SELECT 1 FROM conversation_unmatches u WHERE u.conversation_id = x.conversation_id) AS unmatched
         FROM messages x JOIN conversation_members m ON m.conversation_id = x.conversation_id AND m.user_id = $2
         WHERE x.id = $1`,
        [messageId, userId],
      );
      if (!row || row.unmatched) return { kind: 'not-found' };
      const notice: HideNotice = { conversationId: Number(row.conversation_id), messageId, seq: Number(row.seq) };
      if (!row.visible) return { kind: 'done', notice, userSeq: null };
      // A concurrent hide of the same message waits on the key and then inserts nothing: logged once.
      const inserted = await tx.query('INSERT INTO hidden_messages (user_id, message_id) VALUES ($1, $2) ON CONFLICT DO NOTHING RETURNING 1', [userId, messageId]);
      if (inserted.length === 0) return { kind: 'done', notice, userSeq: null };
      const [userSeq] = await appendUpdates(tx, [{ userId, kind: 'hide', messageId, data: notice }]);
      return { kind: 'done', notice, userSeq: userSeq! };
    });
  }

  async updateSettings(userId: number, conversationId: number, patch: SettingsPatch): Promise<SettingsOutcome> {
    return this.db.transaction(async (tx) => {
      const member = await lockMember(tx, userId, conversationId);
      if (member.unmatched) return { kind: 'unmatched' };
      const settings: ConversationSettings = {
        conversationId,
        pinned: patch.pinned ?? member.pinned,
        muted: patch.muted ?? member.muted,
        archived: patch.archived ?? member.archived,
      };
      if (settings.pinned === member.pinned && settings.muted === member.muted && settings.archived === member.archived) {
        return { kind: 'done', settings, userSeq: null };
      }
      // Pinning keeps the time of the first pin; milliseconds, so that a list cursor (a JavaScript date) names it exactly.
      await tx.query(
        `UPDATE conversation_members
         SET pinned_at = CASE WHEN NOT $3 THEN NULL ELSE COALESCE(pinned_at, date_trunc('milliseconds', now())) END, muted = $4, archived = $5
         WHERE conversation_id = $1 AND user_id = $2`,
        [conversationId, userId, settings.pinned, settings.muted, settings.archived],
      );
      const change: ConversationChange = { ...settings };
      const [userSeq] = await appendUpdates(tx, [{ userId, kind: 'conversation', messageId: null, data: change }]);
      return { kind: 'done', settings, userSeq: userSeq! };
    });
  }

  async clear(userId: number, conversationId: number): Promise<ClearOutcome> {
    return this.db.transaction(async (tx) => {
      // The conversation row is locked, so its last seq is final: a message stored after this commit stays visible.
      const member = await lockMember(tx, userId, conversationId);
      if (member.unmatched) return { kind: 'unmatched' };
      const clearedUpToSeq = Number(member.last_seq);
      if (Number(member.cleared_up_to_seq) >= clearedUpToSeq && Number(member.unread_count) === 0) {
        return { kind: 'done', clearedUpToSeq: Number(member.cleared_up_to_seq), userSeq: null };
      }
      await tx.query('UPDATE conversation_members SET cleared_up_to_seq = $3, unread_count = 0 WHERE conversation_id = $1 AND user_id = $2', [
        conversationId,
        userId,
        clearedUpToSeq,
      ]);
      const change: ConversationChange = { conversationId, clearedUpToSeq };
      const [userSeq] = await appendUpdates(tx, [{ userId, kind: 'conversation', messageId: null, data: change }]);
      return { kind: 'done', clearedUpToSeq, userSeq: userSeq! };
    });
  }

  async unreadTotal(userId: number): Promise<number> {
    const [row] = await this.db.query<{ n: number | string }>(
      `SELECT COALESCE(sum(m.unread_count), 0)::int8 AS n FROM conversation_members m
       WHERE m.user_id = $1 AND m.unread_count > 0
         AND NOT EXISTS (SELECT 1 FROM conversation_unmatches u WHERE u.conversation_id = m.conversation_id)`,
      [userId],
    );
    return Number(row?.n ?? 0);
  }

  async isVisible(userId: number, messageId: number): Promise<boolean> {
    const rows = await this.db.query(
      `SELECT 1 FROM messages x JOIN conversation_members m ON m.conversation_id = x.conversation_id AND m.user_id = $2
       WHERE x.id = $1 AND x.seq > m.cleared_up_to_seq
         AND NOT EXISTS (SELECT 1 FROM hidden_messages h WHERE h.user_id = m.user_id AND h.message_id = x.id)
         AND NOT EXISTS (SELECT 1 FROM conversation_unmatches u WHERE u.conversation_id = x.conversation_id)`,
      [messageId, userId],
    );
    return rows.length > 0;
  }
}

/**
 * The member's side with the conversation row locked first, as every write locks (conversations,
 * then users): a send in this conversation waits, so the trigger that un-archives on a new message
 * and this change never interleave.
 */
async function lockMember(tx: SqlExecutor, userId: number, conversationId: number): Promise<MemberRow> {
  const [row] = await tx.query<MemberRow>(
    `SELECT c.last_seq, m.pinned_at IS NOT NULL AS pinned, m.muted, m.archived, m.cleared_up_to_seq, m.unread_count, ${UNMATCHED} AS unmatched
     FROM conversations c JOIN conversation_members m ON m.conversation_id = c.id AND m.user_id = $2
     WHERE c.id = $1 FOR UPDATE OF c`,
    [conversationId, userId],
  );
  if (!row) throw new Error(`user ${userId} is not in conversation ${conversationId}`);
  return row;
}
