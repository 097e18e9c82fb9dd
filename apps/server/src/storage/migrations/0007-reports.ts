/**
 * Reports with their evidence snapshot. The snapshot is kept as written (its hash chain is
 * re-verified on every read against `evidence_head`); the restriction and unmatch tables came
 * with migration 5.
 */
export const sql = /* sql */ `
CREATE TABLE reports (
  id                bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  reporter_id       bigint NOT NULL REFERENCES users (id),
  user_id           bigint NOT NULL REFERENCES users (id),
  conversation_id   bigint NOT NULL REFERENCES conversations (id),
  reason            text NOT NULL CHECK (reason IN ('SPAM', 'SCAM', 'HARASSMENT', 'INAPPROPRIATE', 'UNDERAGE', 'OTHER')),
  message_ids       bigint[] NOT NULL DEFAULT '{}',
  note              text,
  status            text NOT NULL DEFAULT 'OPEN' CHECK (status IN ('OPEN', 'RESOLVED')),
  evidence          jsonb NOT NULL,
  evidence_head     text NOT NULL,
  resolution_action text CHECK (resolution_action IN ('DISMISS', 'WARN', 'MUTE', 'BAN')),
  resolution_hours  integer,
  resolution_note   text,
  resolved_at       timestamptz,
  created_at        timestamptz NOT NULL DEFAULT now()
);
-- The admin queue: by status, newest first.
CREATE INDEX reports_by_status ON reports (status, id DESC);
-- Automatic mute: distinct reporters of one user over the last day.
CREATE INDEX reports_by_user ON reports (user_id, created_at);
`;
