/**
 * Message search's second path (docs/storage.md, "Search"): the caller's searchable messages
 * newest first, through one b-tree per side of a message — `(sender_id, id)` and
 * `(receiver_id, id)`. A term common in the caller's messages fills its page within the newest few
 * hundred of them, so walking those and checking each with `strpos` reads a few dozen rows where
 * the GIN index would hand over every one of thousands of matches to be read and sorted first.
 *
 * Partial like the GIN index (TEXT and CUSTOM messages not recalled): only what a search reads,
 * and a recall takes the message out of both.
 */
export const sql = /* sql */ `
CREATE INDEX messages_search_by_sender ON messages (sender_id, id)
  WHERE message_type IN ('TEXT', 'CUSTOM') AND status = 'NORMAL';
CREATE INDEX messages_search_by_receiver ON messages (receiver_id, id)
  WHERE message_type IN ('TEXT', 'CUSTOM') AND status = 'NORMAL';
`;
