/** Users, conversations, messages, the per-user update log, blocks and media. */
export const sql = /* sql */ `
CREATE TABLE users (
  id            bigint PRIMARY KEY CHECK (id > 0),
  name          text,
  avatar_url    text,
  wechat_id     text,
  photo_urls    jsonb NOT NULL DEFAULT '[]'::jsonb,
  last_user_seq bigint NOT NULL DEFAULT 0,
  last_seen_at  timestamptz,
  created_at    timestamptz NOT NULL DEFAULT now(),
  updated_at    timestamptz NOT NULL DEFAULT now()
);

-- One row per unordered pair; last_seq is the per-conversation sequence, taken under the row lock.
CREATE TABLE conversations (
  id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  user_lo         bigint NOT NULL REFERENCES users (id),
  user_hi         bigint NOT NULL REFERENCES users (id),
  last_seq        bigint NOT NULL DEFAULT 0,
  last_message_id bigint,
  last_message_at timestamptz,
  created_at      timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT conversations_pair_ordered CHECK (user_lo < user_hi),
  CONSTRAINT conversations_pair_unique UNIQUE (user_lo, user_hi)
);

-- Each user's side: unread count, read mark and the list's sort key.
CREATE TABLE conversation_members (
  user_id          bigint NOT NULL REFERENCES users (id),
  conversation_id  bigint NOT NULL REFERENCES conversations (id),
  peer_id          bigint NOT NULL REFERENCES users (id),
  unread_count     integer NOT NULL DEFAULT 0,
  read_up_to_seq   bigint NOT NULL DEFAULT 0,
  last_activity_us bigint NOT NULL,
  PRIMARY KEY (user_id, conversation_id)
);
CREATE INDEX conversation_members_by_activity ON conversation_members (user_id, last_activity_us DESC, conversation_id DESC);

-- Hot table: no foreign keys; the write path checks users and conversations under lock.
CREATE TABLE messages (
  id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  conversation_id bigint NOT NULL,
  seq             bigint NOT NULL,
  sender_id       bigint NOT NULL,
  receiver_id     bigint NOT NULL,
  message_type    text NOT NULL,
  content         text NOT NULL,
  extra           jsonb,
  status          text NOT NULL DEFAULT 'NORMAL',
  is_read         boolean NOT NULL DEFAULT false,
  client_msg_id   text,
  created_at      timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT messages_seq_unique UNIQUE (conversation_id, seq),
  CONSTRAINT messages_client_msg_id_unique UNIQUE (sender_id, client_msg_id)
);
CREATE INDEX messages_pending_exchange ON messages (conversation_id, message_type)
  WHERE extra ->> 'exchangeStatus' = 'PENDING';

-- The per-user update log (GET /sync replays it): message events reference the message row.
CREATE TABLE user_updates (
  user_id    bigint NOT NULL,
  user_seq   bigint NOT NULL,
  kind       text NOT NULL,
  message_id bigint,
  data       jsonb,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (user_id, user_seq)
);

CREATE TABLE blocks (
  blocker_id bigint NOT NULL REFERENCES users (id),
  blocked_id bigint NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (blocker_id, blocked_id)
);

CREATE TABLE media (
  key           text PRIMARY KEY,
  owner_id      bigint NOT NULL REFERENCES users (id),
  kind          text NOT NULL,
  mime          text NOT NULL,
  size          bigint NOT NULL,
  width         integer,
  height        integer,
  thumbnail_key text,
  created_at    timestamptz NOT NULL DEFAULT now()
);
`;
