/**
 * Shared transaction steps of every write. Lock order is always conversations (by id) and then
 * users (by id), so concurrent batches touching many conversations cannot deadlock.
 */
import type { NewMessage } from '../ports/message-store.js';
import { orderedPair, pairKey } from '../domain/conversation-pair.js';
import type { SqlExecutor } from './sql-client.js';
import { MESSAGE_COLUMNS, type MessageRow } from './message-rows.js';

export interface LockedConversation {
  id: number;
  userLo: number;
  userHi: number;
  lastSeq: number;
}

/** Creates missing conversations for the pairs and locks all of them in id order. Keyed by pairKey. */
export async function lockConversations(tx: SqlExecutor, pairs: readonly [number, number][]): Promise<Map<string, LockedConversation>> {
  const unique = new Map<string, [number, number]>();
  for (const [a, b] of pairs) unique.set(pairKey(a, b), [...orderedPair(a, b)]);
  const sorted = [...unique.values()].sort((x, y) => x[0] - y[0] || x[1] - y[1]);
  const los = sorted.map((p) => p[0]);
  const his = sorted.map((p) => p[1]);
  const created = await tx.query<{ id: number; user_lo: number; user_hi: number }>(
    `INSERT INTO conversations (user_lo, user_hi)
     SELECT lo, hi FROM unnest($1::int8[], $2::int8[]) AS p(lo, hi) ORDER BY lo, hi
     ON CONFLICT (user_lo, user_hi) DO NOTHING
     RETURNING id, user_lo, user_hi`,
    [los, his],
  );
  if (created.length > 0) {
    const ids: number[] = [];
    const users: number[] = [];
    const peers: number[] = [];
    for (const c of created) {
      ids.push(c.id, c.id);
      users.push(c.user_lo, c.user_hi);
      peers.push(c.user_hi, c.user_lo);
    }
    await tx.query(
      `INSERT INTO conversation_members (conversation_id, user_id, peer_id, last_activity_us)
       SELECT c, u, p, (extract(epoch FROM now()) * 1000000)::int8 FROM unnest($1::int8[], $2::int8[], $3::int8[]) AS m(c, u, p)`,
      [ids, users, peers],
    );
  }
  const rows = await tx.query<{ id: number; user_lo: number; user_hi: number; last_seq: number }>(
    `SELECT c.id, c.user_lo, c.user_hi, c.last_seq FROM conversations c
     JOIN unnest($1::int8[], $2::int8[]) AS p(lo, hi) ON c.user_lo = p.lo AND c.user_hi = p.hi
     ORDER BY c.id FOR UPDATE OF c`,
    [los, his],
  );
  const locked = new Map<string, LockedConversation>();
  for (const r of rows) {
    locked.set(pairKey(r.user_lo, r.user_hi), { id: Number(r.id), userLo: Number(r.user_lo), userHi: Number(r.user_hi), lastSeq: Number(r.last_seq) });
  }
  return locked;
}

export interface LogEntry {
  userId: number;
  kind: 'message' | 'read' | 'recall' | 'exchange' | 'conversation' | 'hide' | 'edit' | 'reaction';
  messageId: number | null;
  data: unknown;
}

/**
 * Appends entries to the users' update logs, numbering each user's entries gap-free in the
 * order given. Returns, per entry, the userSeq it took.
 */
export async function appendUpdates(tx: SqlExecutor, entries: readonly LogEntry[]): Promise<number[]> {
  if (entries.length === 0) return [];
  const userIds = [...new Set(entries.map((e) => e.userId))].sort((a, b) => a - b);
  // NO KEY UPDATE, not UPDATE: foreign keys to users (new conversations, members, blocks, media)
  // take KEY SHARE on these rows, and FOR UPDATE would wait on them — a deadlock with a
  // concurrent batch that created a conversation and now waits for our conversation lock.
  const rows = await tx.query<{ id: number; last_user_seq: number }>(
    'SELECT id, last_user_seq FROM users WHERE id = ANY($1::int8[]) ORDER BY id FOR NO KEY UPDATE',
    [userIds],
  );
  const next = new Map(rows.map((r) => [Number(r.id), Number(r.last_user_seq)]));
  const seqs = entries.map((e) => {
    const seq = (next.get(e.userId) ?? 0) + 1;
    next.set(e.userId, seq);
    return seq;
  });
  // One statement (a data-modifying CTE runs whether or not it is referenced): a round trip less per batch.
  await tx.query(
    `WITH logged AS (
       INSERT INTO user_updates (user_id, user_seq, kind, message_id, data)
       SELECT u, s, k, m, d::jsonb FROM unnest($1::int8[], $2::int8[], $3::text[], $4::int8[], $5::text[]) AS e(u, s, k, m, d)
     )
     UPDATE users u SET last_user_seq = v.s FROM unnest($6::int8[], $7::int8[]) AS v(id, s) WHERE u.id = v.id`,
    [
      entries.map((e) => e.userId),
      seqs,
      entries.map((e) => e.kind),
      entries.map((e) => e.messageId),
      entries.map((e) => (e.data === null || e.data === undefined ? null : JSON.stringify(e.data))),
      [...next.keys()],
      [...next.values()],
    ],
  );
  return seqs;
}

/**
 * Inserts messages into already locked conversations, taking the next seqs in input order,
 * moves each conversation's last message and both sides' unread counts and activity, and logs
 * a `message` entry for sender and receiver. Returns rows in input order with their log seqs.
 * `extra` is stored as given (an exchange result keeps both sides' `revealed` data in it).
 */
export async function insertMessages(
  tx: SqlExecutor,
  conversations: Map<string, LockedConversation>,
  items: readonly NewMessage[],
): Promise<{ row: MessageRow; senderUserSeq: number; receiverUserSeq: number }[]> {
  if (items.length === 0) return [];
  const lastSeq = new Map<number, number>();
  const convIds: number[] = [];
  const seqs: number[] = [];
  for (const item of items) {
    const conv = conversations.get(pairKey(item.senderId, item.receiverId));
    if (!conv) throw new Error(`conversation of ${item.senderId}/${item.receiverId} was not locked`);
    const seq = (lastSeq.get(conv.id) ?? conv.lastSeq) + 1;
    lastSeq.set(conv.id, seq);
    convIds.push(conv.id);
    seqs.push(seq);
  }
  const inserted = await tx.query<MessageRow>(
    `INSERT INTO messages (conversation_id, seq, sender_id, receiver_id, message_type, content, extra, client_msg_id)
     SELECT c, s, se, re, t, co, ex::jsonb, cm
     FROM unnest($1::int8[], $2::int8[], $3::int8[], $4::int8[], $5::text[], $6::text[], $7::text[], $8::text[])
       AS m(c, s, se, re, t, co, ex, cm)
     RETURNING ${MESSAGE_COLUMNS}`,
    [
      convIds,
      seqs,
      items.map((i) => i.senderId),
      items.map((i) => i.receiverId),
      items.map((i) => i.messageType),
      items.map((i) => i.content),
      items.map((i) => (i.extra === null ? null : JSON.stringify(i.extra))),
      items.map((i) => i.clientMsgId),
    ],
  );
  // RETURNING order is not promised; key rows by (conversation, seq).
  const byPosition = new Map(inserted.map((r) => [`${r.conversation_id}:${r.seq}`, r]));
  const rows = convIds.map((c, i) => byPosition.get(`${c}:${seqs[i]}`)!);

  const lastRowOf = new Map<number, MessageRow>();
  const unreadIncrement = new Map<string, number>();
  for (const row of rows) {
    lastRowOf.set(Number(row.conversation_id), row);
    const receiverSide = `${row.receiver_id}:${row.conversation_id}`;
    unreadIncrement.set(receiverSide, (unreadIncrement.get(receiverSide) ?? 0) + 1);
    const senderSide = `${row.sender_id}:${row.conversation_id}`;
    if (!unreadIncrement.has(senderSide)) unreadIncrement.set(senderSide, 0);
  }
  const lastRows = [...lastRowOf.values()];
  const sides = [...unreadIncrement.entries()].map(([key, inc]) => {
    const [userId, convId] = key.split(':').map(Number);
    return { userId: userId!, convId: convId!, inc };
  });
  // Both sides' unread counts and activity, and each conversation's last message: one statement.
  await tx.query(
    `WITH moved AS (
       UPDATE conversations c SET last_seq = v.s, last_message_id = v.m, last_message_at = v.at
       FROM unnest($1::int8[], $2::int8[], $3::int8[], $4::timestamptz[]) AS v(id, s, m, at) WHERE c.id = v.id
     )
     UPDATE conversation_members m
     SET unread_count = m.unread_count + v.inc, last_activity_us = (extract(epoch FROM clock_timestamp()) * 1000000)::int8
     FROM unnest($5::int8[], $6::int8[], $7::int4[]) AS v(u, c, inc)
     WHERE m.user_id = v.u AND m.conversation_id = v.c`,
    [
      lastRows.map((r) => r.conversation_id),
      lastRows.map((r) => r.seq),
      lastRows.map((r) => r.id),
      lastRows.map((r) => r.created_at),
      sides.map((s) => s.userId),
      sides.map((s) => s.convId),
      sides.map((s) => s.inc),
    ],
  );
  const entries: LogEntry[] = [];
  for (const row of rows) {
    entries.push({ userId: Number(row.sender_id), kind: 'message', messageId: Number(row.id), data: null });
    entries.push({ userId: Number(row.receiver_id), kind: 'message', messageId: Number(row.id), data: null });
  }
  const userSeqs = await appendUpdates(tx, entries);
  return rows.map((row, i) => ({ row, senderUserSeq: userSeqs[2 * i]!, receiverUserSeq: userSeqs[2 * i + 1]! }));
}
