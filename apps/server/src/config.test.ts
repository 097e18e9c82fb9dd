import { describe, expect, it } from 'vitest';
import { ConfigError, DEFAULT_SIGNALR_CONFIG, loadConfig } from './config.js';

function configError(env: Record<string, string>): ConfigError {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error(`expected a ConfigError for ${JSON.stringify(env)}`);
}

describe('loadConfig', () => {
  it('defaults to the values in the README: embedded database in ./data, dev sign-in on, 10/30 send rate', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      port: 8080,
      host: '0.0.0.0',
      databaseUrl: null,
      dataDir: './data',
      redisUrl: null,
      devAuth: true,
      adminToken: null,
      sendRatePerSecond: 10,
      sendBurst: 30,
      typingRatePerSecond: 2,
      jwt: { secret: null, jwksUrl: null, userClaim: 'sub' },
      media: { imageMaxBytes: 10 * 1024 * 1024, voiceMaxBytes: 5 * 1024 * 1024, videoMaxBytes: 50 * 1024 * 1024 },
    });
    expect(Object.isFrozen(config)).toBe(true);
  });

  it('reads every setting', () => {
    const config = loadConfig({
      PORT: '9000',
      HOST: '127.0.0.1',
      DATABASE_URL: 'postgres://u@db:5432/parley',
      PARLEY_DATA_DIR: '/var/lib/parley',
      REDIS_URL: 'redis://cache:6379',
      JWT_SECRET: 'a-secret-of-16-chars-or-more',
      JWT_USER_CLAIM: 'uid',
      PARLEY_ADMIN_TOKEN: 'admin',
      PARLEY_SEND_RATE: '2.5',
      PARLEY_SEND_BURST: '5',
      PARLEY_TYPING_RATE: '1',
      PARLEY_MAX_IMAGE_BYTES: '1000',
    });
    expect(config).toMatchObject({
      port: 9000,
      host: '127.0.0.1',
      databaseUrl: 'postgres://u@db:5432/parley',
      dataDir: '/var/lib/parley',
      redisUrl: 'redis://cache:6379',
      devAuth: false,
      adminToken: 'admin',
      sendRatePerSecond: 2.5,
      sendBurst: 5,
      typingRatePerSecond: 1,
      jwt: { secret: 'a-secret-of-16-chars-or-more', userClaim: 'uid' },
      media: { imageMaxBytes: 1000 },
    });
  });

  it('turns dev sign-in off when any JWT setting is given, unless asked for explicitly', () => {
    expect(loadConfig({ JWT_JWKS_URL: 'https://id.example.com/jwks.json' }).devAuth).toBe(false);
    expect(loadConfig({ JWT_SECRET: 'x'.repeat(16), PARLEY_DEV_AUTH: 'true' }).devAuth).toBe(true);
    expect(loadConfig({ PARLEY_DEV_AUTH: 'off' }).devAuth).toBe(false);
  });

  it('caps token lifetime at 24 h and shows presence to conversation peers unless told otherwise', () => {
    expect(loadConfig({})).toMatchObject({ jwt: { maxAgeSeconds: 86_400 }, presenceScope: 'conversation' });
    expect(loadConfig({ JWT_MAX_AGE_S: '3600', PARLEY_PRESENCE_SCOPE: 'mutual' })).toMatchObject({ jwt: { maxAgeSeconds: 3600 }, presenceScope: 'mutual' });
  });

  it('limits uploads to 30 a minute and 1 GiB per user, and sweeps unused uploads after 24 h, unless told otherwise', () => {
    expect(loadConfig({}).media).toMatchObject({ uploadsPerMinute: 30, quotaBytes: 1024 ** 3, unusedGraceMs: 86_400_000, sweepIntervalMs: 600_000 });
    const tuned = loadConfig({ PARLEY_UPLOADS_PER_MINUTE: '3', PARLEY_MEDIA_QUOTA_BYTES: '5000', PARLEY_MEDIA_UNUSED_GRACE_MS: '60000', PARLEY_MEDIA_SWEEP_INTERVAL_MS: '5000' });
    expect(tuned.media).toMatchObject({ uploadsPerMinute: 3, quotaBytes: 5000, unusedGraceMs: 60_000, sweepIntervalMs: 5000 });
    expect(() => loadConfig({ PARLEY_UPLOADS_PER_MINUTE: '0' })).toThrow(/PARLEY_UPLOADS_PER_MINUTE/);
    expect(() => loadConfig({ PARLEY_MEDIA_QUOTA_BYTES: '1GB' })).toThrow(/PARLEY_MEDIA_QUOTA_BYTES/);
  });

  it('guards HTTP against slow and greedy clients by default, with every rule configurable', () => {
    expect(loadConfig({})).toMatchObject({
      metricsToken: null,
      httpClients: { minBodyRateBps: 240, bodyGraceMs: 5_000, headersTimeoutMs: 10_000, maxConnectionsPerAddress: 1024 },
    });
    const config = loadConfig({
      PARLEY_METRICS_TOKEN: 'scrape',
      PARLEY_HTTP_MIN_BODY_RATE_BPS: '0',
      PARLEY_HTTP_BODY_GRACE_MS: '500',
      PARLEY_HTTP_HEADERS_TIMEOUT_MS: '2000',
      PARLEY_MAX_CONNECTIONS_PER_ADDRESS: '0',
    });
    expect(config).toMatchObject({
      metricsToken: 'scrape',
      httpClients: { minBodyRateBps: 0, bodyGraceMs: 500, headersTimeoutMs: 2_000, maxConnectionsPerAddress: 0 },
    });
    for (const [name, value] of [
      ['PARLEY_HTTP_MIN_BODY_RATE_BPS', '-1'],
      ['PARLEY_HTTP_MIN_BODY_RATE_BPS', 'slow'],
      ['PARLEY_HTTP_BODY_GRACE_MS', '0'],
      ['PARLEY_HTTP_HEADERS_TIMEOUT_MS', '10.5'],
      ['PARLEY_MAX_CONNECTIONS_PER_ADDRESS', 'many'],
    ] as const) {
      expect(configError({ [name]: value }).message).toContain(name);
    }
  });

  it('closes a SignalR connection after 1 MiB of unsent output unless told otherwise', () => {
    expect(loadConfig({}).signalr.maxBufferedBytes).toBe(1024 * 1024);
    expect(loadConfig({ PARLEY_SIGNALR_SEND_BUFFER_BYTES: '65536' }).signalr.maxBufferedBytes).toBe(65_536);
  });

  it('takes the SignalR timings from ASP.NET Core by default, each settable from the environment', () => {
    expect(loadConfig({}).signalr).toEqual(DEFAULT_SIGNALR_CONFIG);
    expect(DEFAULT_SIGNALR_CONFIG).toMatchObject({ keepAliveIntervalMs: 15_000, clientTimeoutMs: 30_000, handshakeTimeoutMs: 15_000, maxMessageBytes: 32 * 1024 });
    const signalr = loadConfig({
      PARLEY_SIGNALR_KEEPALIVE_MS: '5000',
      PARLEY_SIGNALR_CLIENT_TIMEOUT_MS: '12000',
      PARLEY_SIGNALR_HANDSHAKE_TIMEOUT_MS: '3000',
      PARLEY_SIGNALR_UNUSED_TOKEN_TTL_MS: '4000',
      PARLEY_SIGNALR_LONG_POLL_TIMEOUT_MS: '60000',
      PARLEY_SIGNALR_LONG_POLL_IDLE_MS: '7000',
      PARLEY_SIGNALR_STATEFUL_RECONNECT_WINDOW_MS: '8000',
      PARLEY_SIGNALR_ACK_INTERVAL_MS: '500',
      PARLEY_SIGNALR_MAX_MESSAGE_BYTES: '65536',
      PARLEY_SIGNALR_MAX_TRANSPORT_MESSAGE_BYTES: '131072',
      PARLEY_SIGNALR_MAX_PENDING_INVOCATIONS: '16',
    }).signalr;
    expect(signalr).toEqual({
      keepAliveIntervalMs: 5000,
      clientTimeoutMs: 12_000,
      handshakeTimeoutMs: 3000,
      unusedTokenTtlMs: 4000,
      longPollTimeoutMs: 60_000,
      longPollIdleMs: 7000,
      statefulReconnectWindowMs: 8000,
      ackIntervalMs: 500,
      maxMessageBytes: 65_536,
      maxBufferedBytes: 1024 * 1024,
      maxTransportMessageBytes: 131_072,
      maxPendingInvocations: 16,
    });
    expect(() => loadConfig({ PARLEY_SIGNALR_KEEPALIVE_MS: 'soon' })).toThrow(/PARLEY_SIGNALR_KEEPALIVE_MS/);
    expect(() => loadConfig({ PARLEY_SIGNALR_MAX_PENDING_INVOCATIONS: '0' })).toThrow(/PARLEY_SIGNALR_MAX_PENDING_INVOCATIONS/);
    expect(() => loadConfig({ PARLEY_SIGNALR_MAX_MESSAGE_BYTES: '2097152' })).toThrow(/PARLEY_SIGNALR_MAX_MESSAGE_BYTES.*PARLEY_SIGNALR_MAX_TRANSPORT_MESSAGE_BYTES/);
  });

  it('lets a sender edit a message for 24 h unless told otherwise; 0 turns editing off', () => {
    expect(loadConfig({}).editWindowMs).toBe(24 * 3_600_000);
    expect(loadConfig({ PARLEY_EDIT_WINDOW_MS: '900000' }).editWindowMs).toBe(900_000);
    expect(loadConfig({ PARLEY_EDIT_WINDOW_MS: '0' }).editWindowMs).toBe(0);
    expect(configError({ PARLEY_EDIT_WINDOW_MS: '-1' }).message).toContain('PARLEY_EDIT_WINDOW_MS');
    expect(configError({ PARLEY_EDIT_WINDOW_MS: '1 day' }).message).toContain('PARLEY_EDIT_WINDOW_MS');
  });

  it('reports the Node process on /metrics unless turned off', () => {
    expect(loadConfig({}).processMetrics).toBe(true);
    expect(loadConfig({ PARLEY_PROCESS_METRICS: 'false' }).processMetrics).toBe(false);
    expect(() => loadConfig({ PARLEY_PROCESS_METRICS: 'maybe' })).toThrow(/PARLEY_PROCESS_METRICS/);
  });

  it('treats blank values as unset', () => {
    expect(loadConfig({ PORT: '  ', DATABASE_URL: '' })).toMatchObject({ port: 8080, databaseUrl: null });
  });

  it.each([
    ['PORT', 'eighty'],
    ['PORT', '70000'],
    ['PORT', '-1'],
    ['PORT', '80.5'],
    ['DATABASE_URL', 'mysql://db/x'],
    ['DATABASE_URL', 'not a url'],
    ['REDIS_URL', 'http://cache:6379'],
    ['JWT_SECRET', 'short'],
    ['JWT_JWKS_URL', 'ftp://id.example.com/jwks'],
    ['PARLEY_DEV_AUTH', 'maybe'],
    ['PARLEY_SEND_RATE', '0'],
    ['PARLEY_SEND_RATE', 'fast'],
    ['PARLEY_SEND_RATE', '-3'],
    ['PARLEY_SEND_BURST', '0'],
    ['PARLEY_SEND_BURST', '1e3'],
    ['PARLEY_TYPING_RATE', 'Infinity'],
    ['PARLEY_MAX_IMAGE_BYTES', '0'],
    ['PARLEY_MAX_VOICE_BYTES', 'big'],
    ['PARLEY_MAX_VIDEO_BYTES', '99999999999'],
    ['PARLEY_PUBLIC_URL', 'chat.example.com'],
    ['LOG_LEVEL', 'loud'],
    ['PARLEY_WRITE_CONCURRENCY', '0'],
    ['PARLEY_WRITE_BATCH_MAX', 'many'],
    ['PARLEY_SIGNALR_SEND_BUFFER_BYTES', '512'],
    ['PARLEY_SIGNALR_SEND_BUFFER_BYTES', 'lots'],
    ['JWT_MAX_AGE_S', '0'],
    ['JWT_MAX_AGE_S', 'forever'],
    ['PARLEY_PRESENCE_SCOPE', 'everyone'],
  ])('refuses %s=%s with a message naming the variable', (name, value) => {
    const error = configError({ [name]: value });
    expect(error.message).toContain(name);
    expect(error.message).toMatch(/^Invalid configuration: /);
  });
});

describe('push channel settings', () => {
  const vapid = { PARLEY_VAPID_PUBLIC_KEY: `B${'A'.repeat(86)}`, PARLEY_VAPID_PRIVATE_KEY: 'A'.repeat(43), PARLEY_VAPID_SUBJECT: 'mailto:ops@example.com' };

  it('are off by default, with WeChat defaults for page, API origin and time zone', () => {
    expect(loadConfig({}).push).toEqual({ wechat: null, wechatOa: null, wechatApiBase: 'https://api.weixin.qq.com', wechatTimeZone: 'Asia/Shanghai', webPush: null });
  });

  it('turn a channel on when all its ids are set', () => {
    const push = loadConfig({
      PARLEY_WECHAT_APPID: 'wxa',
      PARLEY_WECHAT_SECRET: 's',
      PARLEY_WECHAT_TEMPLATE_ID: 't',
      PARLEY_WECHAT_PAGE: '/pages/im/chat',
      PARLEY_WECHAT_API_BASE: 'http://127.0.0.1:9000/',
      PARLEY_WECHAT_OA_APPID: 'wxo',
      PARLEY_WECHAT_OA_SECRET: 'so',
      PARLEY_WECHAT_OA_TEMPLATE_ID: 'to',
      ...vapid,
    }).push;
    expect(push.wechat).toEqual({ appId: 'wxa', secret: 's', templateId: 't', page: 'pages/im/chat' });
    expect(push.wechatOa).toEqual({ appId: 'wxo', secret: 'so', templateId: 'to' });
    expect(push.wechatApiBase).toBe('http://127.0.0.1:9000');
    expect(push.webPush).toEqual({ publicKey: vapid.PARLEY_VAPID_PUBLIC_KEY, privateKey: vapid.PARLEY_VAPID_PRIVATE_KEY, subject: 'mailto:ops@example.com' });
  });

  it.each([
    [{ PARLEY_WECHAT_APPID: 'wxa', PARLEY_WECHAT_SECRET: 's' }, 'PARLEY_WECHAT_TEMPLATE_ID'],
    [{ PARLEY_WECHAT_OA_SECRET: 's' }, 'PARLEY_WECHAT_OA_APPID'],
    [{ PARLEY_VAPID_PUBLIC_KEY: vapid.PARLEY_VAPID_PUBLIC_KEY }, 'PARLEY_VAPID_PRIVATE_KEY'],
    [{ ...vapid, PARLEY_VAPID_PUBLIC_KEY: 'short' }, 'PARLEY_VAPID_PUBLIC_KEY'],
    [{ ...vapid, PARLEY_VAPID_SUBJECT: 'ops@example.com' }, 'PARLEY_VAPID_SUBJECT'],
    [{ PARLEY_WECHAT_TIME_ZONE: 'Mars/Olympus' }, 'PARLEY_WECHAT_TIME_ZONE'],
    [{ PARLEY_WECHAT_PAGE: 'pages/chat?x=1' }, 'PARLEY_WECHAT_PAGE'],
    [{ PARLEY_WECHAT_API_BASE: 'ftp://example.com' }, 'PARLEY_WECHAT_API_BASE'],
  ])('refuse an incomplete or bad group %#, naming %s', (env, name) => {
    expect(configError(env).message).toContain(name);
  });
});

describe('the outbox settings', () => {
  it('are off by default, with a 2 s coalescing window, sender previews and a week of retention', () => {
    expect(loadConfig({}).outbox).toEqual({
      webhook: null,
      events: null,
      coalesceMs: 2000,
      preview: 'sender',
      retentionMs: 7 * 24 * 3_600_000,
      pollMs: 500,
      requestTimeoutMs: 10_000,
    });
  });

  it('sign events with the webhook secret unless they have their own, and send the events asked for', () => {
    const outbox = loadConfig({
      PARLEY_WEBHOOK_URL: 'https://push.example.com/hook',
      PARLEY_WEBHOOK_SECRET: 'shared',
      PARLEY_EVENTS_URL: 'https://app.example.com/events',
      PARLEY_EVENTS: ' message.created, conversation.read ,message.created',
      PARLEY_PUSH_PREVIEW: 'full',
    }).outbox;
    expect(outbox.webhook).toEqual({ url: 'https://push.example.com/hook', secret: 'shared' });
    expect(outbox.events).toEqual({ url: 'https://app.example.com/events', secret: 'shared', names: ['message.created', 'conversation.read'] });
    expect(outbox.preview).toBe('full');
    expect(loadConfig({ PARLEY_EVENTS_URL: 'https://app.example.com/events', PARLEY_EVENTS_SECRET: 'own' }).outbox.events?.names).toHaveLength(8);
  });

  it.each([
    [{ PARLEY_EVENTS: 'message.created,message.deleted' }, 'PARLEY_EVENTS'],
    [{ PARLEY_PUSH_PREVIEW: 'everything' }, 'PARLEY_PUSH_PREVIEW'],
    [{ PARLEY_WEBHOOK_URL: 'ftp://example.com' }, 'PARLEY_WEBHOOK_URL'],
    [{ PARLEY_PUSH_COALESCE_MS: '-1' }, 'PARLEY_PUSH_COALESCE_MS'],
  ])('refuse a bad value %#, naming %s', (env, name) => {
    expect(configError(env).message).toContain(name);
  });
});
