/**
 * State that trust and safety and the richer conversation operations share: restrictions
 * (mute/ban), unmatched conversations, each member's own view of a conversation (pinned, muted,
 * archived, cleared), messages hidden for one user, edits, reactions, and the read-receipt
 * setting. Created together so that every feature builds on one agreed shape.
 */
export const sql = /* sql */ `
-- At most one restriction per user; a past "until" means it has ended (checks compare with now()).
CREATE TABLE user_restrictions (
  user_id    bigint PRIMARY KEY REFERENCES users (id),
  kind       text NOT NULL CHECK (kind IN ('MUTE', 'BAN')),
  until      timestamptz,
  reason     text,
  source     text NOT NULL DEFAULT 'ADMIN' CHECK (source IN ('ADMIN', 'AUTO')),
  created_at timestamptz NOT NULL DEFAULT now()
);

-- An unmatched pair may not message each other again until an admin removes the row.
CREATE TABLE conversation_unmatches (
  conversation_id bigint PRIMARY KEY REFERENCES conversations (id),
  unmatched_by    bigint NOT NULL,
  created_at      timestamptz NOT NULL DEFAULT now()
);

-- Each member's own settings; cleared_up_to_seq hides the history up to it for that member only.
ALTER TABLE conversation_members
  ADD COLUMN pinned_at timestamptz,
  ADD COLUMN muted boolean NOT NULL DEFAULT false,
  ADD COLUMN archived boolean NOT NULL DEFAULT false,
  ADD COLUMN cleared_up_to_seq bigint NOT NULL DEFAULT 0;

-- "Delete for me".
CREATE TABLE hidden_messages (
  user_id    bigint NOT NULL,
  message_id bigint NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (user_id, message_id)
);

ALTER TABLE messages ADD COLUMN edited_at timestamptz;

-- One reaction per user per message; another emoji replaces it.
CREATE TABLE message_reactions (
  message_id bigint NOT NULL,
  user_id    bigint NOT NULL,
  emoji      text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (message_id, user_id)
);

ALTER TABLE users ADD COLUMN read_receipts boolean NOT NULL DEFAULT true;
`;
