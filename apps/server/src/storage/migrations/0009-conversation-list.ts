/**
 * The conversation list with each member's own settings (docs/storage.md, "Conversation list"):
 *
 * - One index serves both views, in their order: a user's conversations that are (not) archived,
 *   pinned ones first by pin time (most recent first), then the rest by last activity. An unpinned
 *   conversation sorts as pinned at -infinity, so the order is one row comparison the index walks
 *   without sorting. It replaces the activity-only index, which nothing reads any more (one index
 *   less to update on every message).
 * - A new message brings an archived conversation back to the list unless that member muted it.
 *   Every message moves both members' `last_activity_us` in the same statement, so a trigger on
 *   that column applies the rule in the sending transaction, whichever write path stored the
 *   message. The WHEN clause is evaluated without calling the function, so conversations that are
 *   not archived (nearly all) cost no more than before.
 */
export const sql = /* sql */ `
CREATE INDEX conversation_members_list ON conversation_members
  (user_id, archived, (COALESCE(pinned_at, '-infinity'::timestamptz)) DESC, last_activity_us DESC, conversation_id DESC);
DROP INDEX conversation_members_by_activity;

CREATE FUNCTION parley_unarchive_on_activity() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
  NEW.archived := false;
  RETURN NEW;
END
$fn$;

CREATE TRIGGER conversation_members_unarchive
  BEFORE UPDATE OF last_activity_us ON conversation_members
  FOR EACH ROW
  WHEN (NEW.archived AND NOT NEW.muted AND NEW.last_activity_us <> OLD.last_activity_us)
  EXECUTE FUNCTION parley_unarchive_on_activity();
`;
