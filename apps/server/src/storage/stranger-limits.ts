/**
 * The limits on messages to strangers for writes outside the batched append function (an
 * exchange request is a message too): the same counts as `parley_append_messages` (migration 6)
 * takes, decided by the domain's rules, inside the caller's transaction after its conversation
 * lock — and, for conversation starts, after both users' locks in id order, the write path's
 * lock order — so racing devices and nodes see each other's messages.
 */
import { AppError } from '../domain/app-error.js';
import { checkFirstContact, checkNewConversation } from '../domain/safety/first-contact.js';
import type { StrangerLimits } from '../ports/message-store.js';
import type { SqlExecutor } from './sql-client.js';
import type { LockedConversation } from './write-path.js';

export async function assertStrangerLimits(tx: SqlExecutor, limits: StrangerLimits, senderId: number, receiverId: number, conversation: LockedConversation): Promise<void> {
  if (limits.firstContactLimit > 0) {
    const [facts] = await tx.query<{ peer_has_sent: boolean; sent: number }>(
      `SELECT EXISTS (SELECT 1 FROM messages WHERE conversation_id = $1 AND sender_id = $3) AS peer_has_sent,
              (SELECT count(*) FROM messages WHERE conversation_id = $1 AND sender_id = $2)::int4 AS sent`,
      [conversation.id, senderId, receiverId],
    );
    const verdict = checkFirstContact({ limit: limits.firstContactLimit, sentBySender: Number(facts!.sent), peerHasSent: Boolean(facts!.peer_has_sent) });
    if (!verdict.allowed) throw new AppError('AWAITING_REPLY', 'wait for a reply: you cannot send more messages until the other person answers');
  }
  if (limits.newConversationsPerDay > 0 && conversation.lastSeq === 0) {
    await tx.query('SELECT 1 FROM users WHERE id = ANY ($1::int8[]) ORDER BY id FOR NO KEY UPDATE', [[senderId, receiverId]]);
    const starts = await tx.query<{ at_ms: number; now_ms: number }>(
      `SELECT (extract(epoch FROM created_at) * 1000)::float8 AS at_ms, (extract(epoch FROM now()) * 1000)::float8 AS now_ms FROM messages
       WHERE sender_id = $1 AND seq = 1 AND created_at > now() - interval '24 hours'
       ORDER BY created_at DESC LIMIT $2`,
      [senderId, limits.newConversationsPerDay],
    );
    const verdict = checkNewConversation({
      limit: limits.newConversationsPerDay,
      startsConversation: true,
      startedAtMs: starts.map((s) => Number(s.at_ms)),
      nowMs: starts.length > 0 ? Number(starts[0]!.now_ms) : Date.now(),
    });
    if (!verdict.allowed) {
      throw new AppError('RATE_LIMITED', `you have started as many new conversations as allowed in 24 hours; retry in ${verdict.retryAfterMs} ms`, { retryAfterMs: verdict.retryAfterMs });
    }
  }
}
