/**
 * The condition a row of `messages` (unaliased) of one conversation meets when the viewer still
 * sees it: above their clear mark, not hidden for them ("delete for me"), and not in an unmatched
 * conversation. `viewer` and `conversation` are SQL parameters (e.g. `$4::int8`, `$1`): given as
 * parameters, the clear mark and the unmatch check are computed once per query, and the clear mark
 * bounds the index range on (conversation_id, seq).
 */
export function visibleTo(viewer: string, conversation: string): string {
  return `seq > (SELECT cm.cleared_up_to_seq FROM conversation_members cm WHERE cm.conversation_id = ${conversation} AND cm.user_id = ${viewer})
    AND NOT EXISTS (SELECT 1 FROM hidden_messages h WHERE h.user_id = ${viewer} AND h.message_id = messages.id)
    AND NOT EXISTS (SELECT 1 FROM conversation_unmatches u WHERE u.conversation_id = ${conversation})`;
}
