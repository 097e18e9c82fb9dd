/**
 * The send path's whole batch as one server-side function, so a batch costs one round trip
 * (and, called outside an explicit transaction, no BEGIN/COMMIT round trips either): at low
 * load each message otherwise paid about ten statement round trips plus the commit.
 *
 * Input: the batch as parallel arrays, one element per item, with no (sender, clientMsgId)
 * repeated (the caller folds repeats within a batch). Output: one row per item, `idx` being its
 * 1-based position: `duplicate` (a stored message with that (sender, clientMsgId)),
 * `USER_NOT_FOUND`, `BLOCKED`, or `stored` with both users' log positions.
 *
 * Lock order, as everywhere on the write path: conversations by id, then users by id
 * (FOR NO KEY UPDATE, so foreign keys' KEY SHARE locks do not conflict with it). Each step is a
 * statement of its own, so no lock is taken before a lock that precedes it in that order.
 */
export const sql = /* sql */ `
CREATE FUNCTION parley_append_messages(
  p_sender bigint[], p_receiver bigint[], p_type text[], p_content text[], p_extra text[], p_client_msg_id text[]
) RETURNS TABLE (
  idx integer, outcome text, sender_user_seq bigint, receiver_user_seq bigint,
  id bigint, conversation_id bigint, seq bigint, sender_id bigint, receiver_id bigint, message_type text,
  content text, extra jsonb, status text, is_read boolean, client_msg_id text, created_at timestamptz
) LANGUAGE plpgsql AS $fn$
#variable_conflict use_column
DECLARE
  v_fresh integer[];
  v_dup integer[];
  v_dup_id bigint[];
  v_ok integer[];
  v_bad integer[];
  v_bad_code text[];
  v_msg bigint[];
  v_uid bigint[];
  v_useq bigint[];
  v_sender_seq bigint[];
  v_receiver_seq bigint[];
BEGIN
  -- 1. Repeats of a stored (sender, clientMsgId) answer with the stored message.
  SELECT array_agg(i.n::int) FILTER (WHERE m.id IS NULL), array_agg(i.n::int) FILTER (WHERE m.id IS NOT NULL), array_agg(m.id) FILTER (WHERE m.id IS NOT NULL)
  INTO v_fresh, v_dup, v_dup_id
  FROM unnest(p_sender, p_client_msg_id) WITH ORDINALITY AS i(s, c, n)
  LEFT JOIN messages m ON i.c IS NOT NULL AND m.sender_id = i.s AND m.client_msg_id = i.c;
  IF v_dup IS NOT NULL THEN
    RETURN QUERY
      SELECT d.n, 'duplicate'::text, NULL::bigint, NULL::bigint, m.id, m.conversation_id, m.seq, m.sender_id, m.receiver_id,
             m.message_type, m.content, m.extra, m.status, m.is_read, m.client_msg_id, m.created_at
      FROM unnest(v_dup, v_dup_id) AS d(n, mid) JOIN messages m ON m.id = d.mid;
  END IF;
  IF v_fresh IS NULL THEN RETURN; END IF;

  -- 2. Unknown users and blocks reject single items, never the batch.
  WITH verdicts AS (
    SELECT n, CASE
      WHEN NOT EXISTS (SELECT 1 FROM users u WHERE u.id = p_sender[n]) OR NOT EXISTS (SELECT 1 FROM users u WHERE u.id = p_receiver[n]) THEN 'USER_NOT_FOUND'
      WHEN EXISTS (SELECT 1 FROM blocks b WHERE b.blocker_id = p_receiver[n] AND b.blocked_id = p_sender[n]) THEN 'BLOCKED'
    END AS verdict
    FROM unnest(v_fresh) AS n
  )
  SELECT array_agg(n ORDER BY n) FILTER (WHERE verdict IS NULL), array_agg(n) FILTER (WHERE verdict IS NOT NULL), array_agg(verdict) FILTER (WHERE verdict IS NOT NULL)
  INTO v_ok, v_bad, v_bad_code
  FROM verdicts;
  IF v_bad IS NOT NULL THEN
    RETURN QUERY
      SELECT b.n, b.code, NULL::bigint, NULL::bigint, NULL::bigint, NULL::bigint, NULL::bigint, NULL::bigint, NULL::bigint,
             NULL::text, NULL::text, NULL::jsonb, NULL::text, NULL::boolean, NULL::text, NULL::timestamptz
      FROM unnest(v_bad, v_bad_code) AS b(n, code);
  END IF;
  IF v_ok IS NULL THEN RETURN; END IF;

  -- 3. Missing conversations (and both members) are created in pair order.
  WITH pairs AS (
    SELECT DISTINCT least(p_sender[n], p_receiver[n]) AS lo, greatest(p_sender[n], p_receiver[n]) AS hi FROM unnest(v_ok) AS n
  ), created AS (
    INSERT INTO conversations (user_lo, user_hi) SELECT lo, hi FROM pairs ORDER BY lo, hi
    ON CONFLICT (user_lo, user_hi) DO NOTHING
    RETURNING id, user_lo, user_hi
  )
  INSERT INTO conversation_members (conversation_id, user_id, peer_id, last_activity_us)
  SELECT c.id, s.u, s.p, (extract(epoch FROM now()) * 1000000)::int8
  FROM created c CROSS JOIN LATERAL (VALUES (c.user_lo, c.user_hi), (c.user_hi, c.user_lo)) AS s(u, p);

  -- 4. Lock the conversations in id order and insert the messages with the next seqs, in input order.
  WITH locked AS (
    SELECT c.id, c.user_lo, c.user_hi, c.last_seq FROM conversations c
    WHERE (c.user_lo, c.user_hi) IN (SELECT least(p_sender[n], p_receiver[n]), greatest(p_sender[n], p_receiver[n]) FROM unnest(v_ok) AS n)
    ORDER BY c.id FOR UPDATE OF c
  ), numbered AS (
    SELECT n, l.id AS conv, l.last_seq + row_number() OVER (PARTITION BY l.id ORDER BY n) AS s
    FROM unnest(v_ok) AS n JOIN locked l ON l.user_lo = least(p_sender[n], p_receiver[n]) AND l.user_hi = greatest(p_sender[n], p_receiver[n])
  ), inserted AS (
    INSERT INTO messages (conversation_id, seq, sender_id, receiver_id, message_type, content, extra, client_msg_id)
    SELECT conv, s, p_sender[n], p_receiver[n], p_type[n], p_content[n], p_extra[n]::jsonb, p_client_msg_id[n] FROM numbered ORDER BY n
    RETURNING id, conversation_id, seq
  )
  SELECT array_agg(i.id ORDER BY nb.n) INTO v_msg
  FROM inserted i JOIN numbered nb ON nb.conv = i.conversation_id AND nb.s = i.seq;

  -- 5. Each conversation's last message; both sides' unread counts and activity.
  WITH written AS (
    SELECT m.id, m.conversation_id, m.seq, m.sender_id, m.receiver_id, m.created_at FROM messages m WHERE m.id = ANY (v_msg)
  ), last_of AS (
    SELECT DISTINCT ON (conversation_id) conversation_id, seq, id, created_at FROM written ORDER BY conversation_id, seq DESC
  ), moved AS (
    UPDATE conversations c SET last_seq = l.seq, last_message_id = l.id, last_message_at = l.created_at
    FROM last_of l WHERE c.id = l.conversation_id
  ), sides AS (
    SELECT conversation_id, u, sum(inc)::int4 AS inc
    FROM (SELECT conversation_id, receiver_id AS u, 1 AS inc FROM written UNION ALL SELECT conversation_id, sender_id, 0 FROM written) AS e
    GROUP BY conversation_id, u
  )
  UPDATE conversation_members cm
  SET unread_count = cm.unread_count + s.inc, last_activity_us = (extract(epoch FROM clock_timestamp()) * 1000000)::int8
  FROM sides s WHERE cm.user_id = s.u AND cm.conversation_id = s.conversation_id;

  -- 6. Lock both users of every message in id order, then log a message entry for each side.
  SELECT array_agg(l.id ORDER BY l.id), array_agg(l.last_user_seq ORDER BY l.id) INTO v_uid, v_useq
  FROM (
    SELECT u.id, u.last_user_seq FROM users u
    WHERE u.id IN (SELECT p_sender[n] FROM unnest(v_ok) AS n UNION SELECT p_receiver[n] FROM unnest(v_ok) AS n)
    ORDER BY u.id FOR NO KEY UPDATE
  ) AS l;
  WITH entries AS (
    SELECT t.pos, s.side, s.u, t.mid
    FROM unnest(v_ok, v_msg) WITH ORDINALITY AS t(n, mid, pos)
    CROSS JOIN LATERAL (VALUES (0, p_sender[t.n]), (1, p_receiver[t.n])) AS s(side, u)
  ), numbered AS (
    SELECT e.pos, e.side, e.u, e.mid, l.s + row_number() OVER (PARTITION BY e.u ORDER BY e.pos, e.side) AS us
    FROM entries e JOIN unnest(v_uid, v_useq) AS l(id, s) ON l.id = e.u
  ), logged AS (
    INSERT INTO user_updates (user_id, user_seq, kind, message_id, data)
    SELECT u, us, 'message', mid, NULL FROM numbered ORDER BY pos, side
  ), bumped AS (
    UPDATE users x SET last_user_seq = b.top FROM (SELECT u, max(us) AS top FROM numbered GROUP BY u) AS b WHERE x.id = b.u
  )
  SELECT array_agg(us ORDER BY pos) FILTER (WHERE side = 0), array_agg(us ORDER BY pos) FILTER (WHERE side = 1)
  INTO v_sender_seq, v_receiver_seq
  FROM numbered;

  -- 7. The stored messages with both log positions.
  RETURN QUERY
    SELECT t.n, 'stored'::text, t.ss, t.rs, m.id, m.conversation_id, m.seq, m.sender_id, m.receiver_id,
           m.message_type, m.content, m.extra, m.status, m.is_read, m.client_msg_id, m.created_at
    FROM unnest(v_ok, v_msg, v_sender_seq, v_receiver_seq) AS t(n, mid, ss, rs) JOIN messages m ON m.id = t.mid;
END
$fn$;
`;
