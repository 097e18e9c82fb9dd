/**
 * The data of the scaling figures (`npm run bench:scaling`) and of the plans in docs/storage.md
 * (`bench/explain-queries.ts`), written by set-based SQL into a migrated, empty database:
 *
 * - 20,000 users, about 50,000 conversations of 20 messages each, every message in both users'
 *   update logs (a million messages, two million log rows);
 * - one deep conversation of DEEP_MESSAGES messages (history pages far back in it);
 * - the heavy user with HEAVY_CONVERSATIONS conversations (a few pinned, a tenth archived, a tenth
 *   cleared, a tenth with the last message hidden), each with one unread message that is also a
 *   pending event of their update log: HEAVY_CONVERSATIONS events to resync.
 *
 * The search index is dropped for the load and rebuilt from its own definition afterwards:
 * filling its entries row by row would triple the load time and measures nothing here.
 */
import type { SqlClient } from '../apps/server/src/storage/sql-client.js';

export const USERS = 20_000;
const CONVERSATIONS = 50_000;
const MESSAGES_PER_CONVERSATION = 20;
export const HEAVY_USER = 1;
export const HEAVY_CONVERSATIONS = 10_000;
/** The deep conversation is between these two users. */
export const DEEP_PAIR = [USERS - 1, USERS] as const;
export const DEEP_MESSAGES = 100_000;

export async function fillScalingData(db: SqlClient): Promise<Record<string, number>> {
  const [search] = await db.query<{ definition: string }>("SELECT pg_get_indexdef('messages_search'::regclass) AS definition");
  await db.query('DROP INDEX messages_search');

  await db.query('INSERT INTO users (id) SELECT g FROM generate_series(1, $1::int) g', [USERS]);
  await db.query(
    `INSERT INTO conversations (user_lo, user_hi, last_seq)
     SELECT DISTINCT LEAST(a, b), GREATEST(a, b), $3::int FROM (
       SELECT (g % $1::int) + 1 AS a, ((g * 7 + g / $1::int) % $1::int) + 1 AS b FROM generate_series(1, $2::int) g) p
     WHERE a <> b AND LEAST(a, b) <> $4 AND NOT (LEAST(a, b) = $5 AND GREATEST(a, b) = $6) ON CONFLICT DO NOTHING`,
    [USERS, CONVERSATIONS, MESSAGES_PER_CONVERSATION, HEAVY_USER, DEEP_PAIR[0], DEEP_PAIR[1]],
  );
  await db.query(`INSERT INTO conversations (user_lo, user_hi, last_seq) VALUES ($1, $2, $3)`, [DEEP_PAIR[0], DEEP_PAIR[1], DEEP_MESSAGES]);
  await db.query(
    `INSERT INTO conversation_members (conversation_id, user_id, peer_id, last_activity_us)
     SELECT id, user_lo, user_hi, id * 1000 FROM conversations UNION ALL SELECT id, user_hi, user_lo, id * 1000 FROM conversations`,
  );
  await db.query(
    `INSERT INTO messages (conversation_id, seq, sender_id, receiver_id, message_type, content, client_msg_id)
     SELECT c.id, s, CASE WHEN s % 2 = 0 THEN c.user_lo ELSE c.user_hi END, CASE WHEN s % 2 = 0 THEN c.user_hi ELSE c.user_lo END,
            'TEXT', 'message ' || s, c.id || '-' || s
     FROM conversations c, generate_series(1, c.last_seq) s`,
  );
  await db.query(`UPDATE conversations c SET last_message_id = m.id, last_message_at = m.created_at FROM messages m WHERE m.conversation_id = c.id AND m.seq = c.last_seq`);
  await db.query(
    `INSERT INTO user_updates (user_id, user_seq, kind, message_id)
     SELECT u, row_number() OVER (PARTITION BY u ORDER BY id), 'message', id
     FROM (SELECT id, sender_id AS u FROM messages UNION ALL SELECT id, receiver_id FROM messages) e`,
  );
  await db.query(`INSERT INTO messages (conversation_id, seq, sender_id, receiver_id, message_type, content, extra)
    SELECT id, last_seq + 1, user_lo, user_hi, 'EXCHANGE_WECHAT_REQUEST', '', '{"exchangeStatus":"PENDING"}' FROM conversations WHERE id % 50 = 0`);
  await db.query('UPDATE conversations SET last_seq = last_seq + 1 WHERE id % 50 = 0');

  // The heavy user: a conversation with each of the next users, one unread message each, which is
  // also an event of the heavy user's log they have not fetched yet.
  await db.query(
    `WITH created AS (
       INSERT INTO conversations (user_lo, user_hi, last_seq) SELECT $1::int8, g, 1 FROM generate_series($1::int8 + 1, $1::int8 + $2::int8) g
       RETURNING id, user_lo, user_hi
     ), members AS (
       INSERT INTO conversation_members (conversation_id, user_id, peer_id, last_activity_us, unread_count)
       SELECT id, user_lo, user_hi, id * 1000, 1 FROM created UNION ALL SELECT id, user_hi, user_lo, id * 1000, 0 FROM created
     )
     INSERT INTO messages (conversation_id, seq, sender_id, receiver_id, message_type, content) SELECT id, 1, user_hi, user_lo, 'TEXT', 'hello' FROM created`,
    [HEAVY_USER, HEAVY_CONVERSATIONS],
  );
  await db.query(
    `UPDATE conversations c SET last_message_id = m.id, last_message_at = m.created_at FROM messages m
     WHERE m.conversation_id = c.id AND m.seq = c.last_seq AND c.user_lo = $1`,
    [HEAVY_USER],
  );
  await db.query(
    `INSERT INTO user_updates (user_id, user_seq, kind, message_id)
     SELECT $1, row_number() OVER (ORDER BY id), 'message', id FROM messages WHERE receiver_id = $1`,
    [HEAVY_USER],
  );
  await db.query('UPDATE users u SET last_user_seq = l.n FROM (SELECT user_id, max(user_seq) AS n FROM user_updates GROUP BY user_id) l WHERE l.user_id = u.id');
  await db.query(
    `UPDATE conversation_members m SET pinned_at = CASE WHEN m.conversation_id % 2000 = 0 THEN now() - (m.conversation_id % 7) * interval '1 hour' END,
       archived = m.conversation_id % 10 = 1, cleared_up_to_seq = CASE WHEN m.conversation_id % 10 = 2 THEN c.last_seq ELSE 0 END
     FROM conversations c WHERE c.id = m.conversation_id AND m.user_id = $1`,
    [HEAVY_USER],
  );
  await db.query(
    `INSERT INTO hidden_messages (user_id, message_id)
     SELECT $1, x.id FROM conversation_members m JOIN conversations c ON c.id = m.conversation_id JOIN messages x ON x.conversation_id = c.id AND x.seq = c.last_seq
     WHERE m.user_id = $1 AND m.conversation_id % 10 = 3`,
    [HEAVY_USER],
  );

  await db.query(search!.definition);
  await db.exec('VACUUM ANALYZE');
  const [counts] = await db.query<Record<string, number>>(
    'SELECT (SELECT count(*) FROM users) AS users, (SELECT count(*) FROM conversations) AS conversations, (SELECT count(*) FROM messages) AS messages, (SELECT count(*) FROM user_updates) AS user_updates',
  );
  return Object.fromEntries(Object.entries(counts!).map(([k, v]) => [k, Number(v)]));
}
