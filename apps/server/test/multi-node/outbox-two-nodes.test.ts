/**
 * Two nodes on one PostgreSQL and one Redis prefix share one outbox: both workers race for the
 * same due notifications and each is delivered exactly once; a receiver connected to one node
 * is online for a send through the other (presence through Redis) and gets no notification.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, startTestServer, type TestServer } from '../support/test-app.js';
import { StompUser } from '../support/stomp-client.js';
import { createTestDatabase, TEST_DATABASE_URL, type TestDatabase } from '../support/test-database.js';
import { createTestRedisPrefix, TEST_REDIS_URL, type TestRedisPrefix } from '../support/test-redis.js';
import { WebhookReceiver } from '../support/webhook-receiver.js';

const ready = Boolean(TEST_DATABASE_URL && TEST_REDIS_URL);
const ADMIN = 'two-nodes-admin-token';

describe.skipIf(!ready)('the outbox on two nodes', () => {
  let database: TestDatabase;
  let space: TestRedisPrefix;
  let receiver: WebhookReceiver;
  let nodes: TestServer[];

  beforeAll(async () => {
    database = await createTestDatabase();
    space = createTestRedisPrefix();
    receiver = await WebhookReceiver.start();
    const env = {
      DATABASE_URL: database.url,
      REDIS_URL: space.url,
      PARLEY_REDIS_PREFIX: space.prefix,
      PARLEY_WEBHOOK_URL: `${receiver.url}/notify`,
      // Windows end when the test says so (below), so both workers find the same rows due at once.
      PARLEY_PUSH_COALESCE_MS: '3600000',
      PARLEY_OUTBOX_POLL_MS: '20',
      PARLEY_ADMIN_TOKEN: ADMIN,
      JWT_SECRET: 'two-nodes-secret-0123456789abcdef',
    };
    nodes = [await startTestServer({ ...env, PARLEY_NODE_ID: 'outbox-a' }), await startTestServer({ ...env, PARLEY_NODE_ID: 'outbox-b' })];
  }, 120_000);

  afterAll(async () => {
    for (const node of nodes ?? []) await node.app.shutdown();
    await receiver?.[Symbol.asyncDispose]();
    await space?.cleanup();
    await database?.drop();
  });

  it('delivers each notification once, and none to a receiver connected to the other node', async () => {
    const [a, b] = nodes as [TestServer, TestServer];
    const online = new StompUser(a.url, { token: await a.token(100, 'Online') });
    await online.connect();
    await online.subscribe('/user/queue/messages');
    try {
      const senders = await Promise.all(Array.from({ length: 12 }, (_, i) => (i % 2 ? a : b).token(i + 1, `Sender ${i + 1}`)));
      for (let r = 51; r <= 56; r++) await a.token(r);
      // Each sender writes twice to two offline receivers, through alternating nodes: 24 pairs.
      const sends: Promise<unknown>[] = [];
      senders.forEach((token, i) => {
        for (const receiverId of [51 + (i % 6), 51 + ((i + 1) % 6)]) {
          for (const n of [1, 2]) {
            sends.push((n % 2 ? a : b).api(token, 'POST', '/messages', { receiverId, messageType: 'TEXT', content: `to ${receiverId} #${n}`, clientMsgId: `s${i}-${receiverId}-${n}` }));
          }
        }
      });
      sends.push(b.api(senders[0]!, 'POST', '/messages', { receiverId: 100, messageType: 'TEXT', content: 'you are online on node a', clientMsgId: 'online-1' }));
      const answers = (await Promise.all(sends)) as { status: number }[];
      expect(answers.every((r) => r.status === 201)).toBe(true);
      await eventually(() => online.received.get('/user/queue/messages')?.length === 1, 'the live message on node a');

      await a.app.db.query('UPDATE notifications SET due_at = now() WHERE collecting');
      const hooks = await eventually(() => (receiver.at('/notify').length >= 24 ? receiver.at('/notify') : null), 'the 24 notifications', 30_000);
      await eventually(async () => (await a.api(ADMIN, 'GET', '/admin/notifications?status=PENDING')).body.items.length === 0, 'no notification pending');
      const ids = receiver.at('/notify').map((h) => h.headers['x-parley-delivery']);
      expect(new Set(ids).size).toBe(ids.length);
      expect(ids).toHaveLength(24);
      expect(hooks.every((h) => h.body.count === 2 && h.body.userId !== 100)).toBe(true);
      expect((await a.api(ADMIN, 'GET', '/admin/notifications?status=SENT&limit=100')).body.items).toHaveLength(24);
    } finally {
      await online[Symbol.asyncDispose]();
    }
  }, 180_000);
});
