/**
 * Reactions of messages, read for a whole page of messages in one aggregated query (the
 * primary key `(message_id, user_id)` serves the lookup), so history, the conversation list and
 * `/sync` cost one extra round trip per page, never one per message.
 */
import type { Message, ReactionGroup } from '@parley/protocol';
import type { SqlExecutor } from './sql-client.js';

/** Per message id: its reactions, each emoji once with its users earliest first, emojis in the order each was first chosen. */
export async function reactionsOf(db: SqlExecutor, messageIds: readonly number[]): Promise<Map<number, ReactionGroup[]>> {
  const byMessage = new Map<number, ReactionGroup[]>();
  if (messageIds.length === 0) return byMessage;
  const rows = await db.query<{ message_id: number; emoji: string; user_ids: (number | string)[] }>(
    `SELECT message_id, emoji, array_agg(user_id ORDER BY created_at, user_id) AS user_ids
     FROM message_reactions WHERE message_id = ANY($1::int8[])
     GROUP BY message_id, emoji
     ORDER BY message_id, min(created_at), emoji`,
    [[...new Set(messageIds)]],
  );
  for (const row of rows) {
    const id = Number(row.message_id);
    const groups = byMessage.get(id) ?? [];
    groups.push({ emoji: row.emoji, userIds: row.user_ids.map(Number) });
    byMessage.set(id, groups);
  }
  return byMessage;
}

/**
 * Fills in the reactions of the given messages (in place) and returns them. A recalled message
 * keeps none: there is nothing left to react to.
 */
export async function withReactions<M extends Message | null>(db: SqlExecutor, messages: M[]): Promise<M[]> {
  const shown = messages.filter((m): m is NonNullable<M> => m !== null && m.status === 'NORMAL');
  const reactions = await reactionsOf(
    db,
    shown.map((m) => m.id),
  );
  for (const message of shown) message.reactions = reactions.get(message.id) ?? [];
  return messages;
}
