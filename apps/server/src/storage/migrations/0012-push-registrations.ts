/**
 * Where offline users can be reached outside Parley: their WeChat openIds (mini-program and
 * Official Account) with the mini-program's subscribe-message grant balance, and their browsers'
 * Web Push subscriptions.
 */
export const sql = /* sql */ `
CREATE TABLE wechat_push_accounts (
  user_id       bigint PRIMARY KEY REFERENCES users (id),
  open_id       text,                                  -- mini-program openId: subscribe messages
  oa_open_id    text,                                  -- Official Account openId: template messages
  -- Each accepted wx.requestSubscribeMessage allows exactly one subscribe message.
  grant_balance integer NOT NULL DEFAULT 0 CHECK (grant_balance >= 0),
  updated_at    timestamptz NOT NULL DEFAULT now()
);

-- An endpoint is one browser profile's push channel: whoever registered it last receives on it.
CREATE TABLE webpush_subscriptions (
  endpoint   text PRIMARY KEY,
  user_id    bigint NOT NULL REFERENCES users (id),
  p256dh     text NOT NULL,
  auth       text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX webpush_subscriptions_by_user ON webpush_subscriptions (user_id);
`;
