/**
 * Media lifecycle: which uploads are in use (the sweep deletes the others after a grace period),
 * per-owner quota sums, thumbnail lookups, and finding the messages that still show an upload.
 */
export const sql = /* sql */ `
-- Uploads stored before this version may be in use in ways nobody recorded: they count as used.
ALTER TABLE media ADD COLUMN used boolean NOT NULL DEFAULT true;
ALTER TABLE media ALTER COLUMN used SET DEFAULT false;
CREATE INDEX media_unused_by_age ON media (created_at) WHERE NOT used;
CREATE INDEX media_by_owner ON media (owner_id);
CREATE UNIQUE INDEX media_by_thumbnail ON media (thumbnail_key) WHERE thumbnail_key IS NOT NULL;

-- A media message's sender owns its upload; the key is the last path segment of its content URL.
CREATE INDEX messages_by_media_key ON messages (sender_id, (substring(content from '/media/([A-Za-z0-9_-]+[.][a-z0-9]+)')))
  WHERE message_type IN ('IMAGE', 'VOICE', 'VIDEO');

-- An accepted photo exchange keeps both sides' photo URLs in its result message.
CREATE INDEX messages_photo_results_by_sender ON messages (sender_id) WHERE message_type = 'EXCHANGE_PHOTO_RESULT';
CREATE INDEX messages_photo_results_by_receiver ON messages (receiver_id) WHERE message_type = 'EXCHANGE_PHOTO_RESULT';
`;
