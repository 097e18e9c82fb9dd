/**
 * Redis restarts (empty: no persistence) under load. Sends keep committing while it is away;
 * once it is back every node resubscribes by itself and delivery across nodes resumes without
 * restarting any node; nothing acknowledged is lost, and /sync repairs what was not pushed.
 * Uses a private redis-server on a free port — never the shared one.
 */
import { describe, expect, it } from 'vitest';
import { createTestDatabase, TEST_DATABASE_URL } from '../support/test-database.js';
import { eventually } from '../support/test-app.js';
import { redisServerAvailable, startRedisServer } from '../support/redis-server-process.js';
import { startCluster } from './support/cluster.js';
import { signalrDevice, startSteadyLoad, stompDevice, type LoadDevice } from './support/load-device.js';
import { devToken } from './support/users.js';
import { verifyExactlyOnce } from './support/verify.js';

const ready = Boolean(TEST_DATABASE_URL) && (await redisServerAvailable());
if (!ready) console.warn('!!! multi-node Redis restart SKIPPED: needs PARLEY_TEST_DATABASE_URL and redis-server on PATH');

const PAIRS = [[11, 12], [13, 14], [15, 16]] as const;
const partnerOf = (id: number) => PAIRS.flat()[PAIRS.flat().indexOf(id as never) ^ 1]!;

describe.skipIf(!ready)('restarting Redis under load', () => {
  it('resumes cross-node delivery by itself and loses nothing acknowledged', async () => {
    await using db = await createTestDatabase();
    await using redis = await startRedisServer();
    await using cluster = await startCluster(['node-a', 'node-b', 'node-c'], {
      databaseUrl: db.url,
      redisUrl: redis.url,
      redisPrefix: 'restart:',
      env: { PARLEY_PRESENCE_TTL_MS: '2000' },
    });
    const urls = cluster.nodes.map((n) => n.url);
    const tokens = new Map<number, string>();
    for (const id of PAIRS.flat()) tokens.set(id, await devToken(urls[0]!, id));
    // Each user's two devices sit on two nodes, and never on the node of their partner's first device.
    const devices: LoadDevice[] = [];
    PAIRS.flat().forEach((id, i) => {
      devices.push(stompDevice(() => urls[i % 3]!, id, tokens.get(id)!));
      devices.push(signalrDevice(urls[(i + 1) % 3]!, id, tokens.get(id)!));
    });
    await eventually(() => devices.every((d) => d.connects > 0), 'every device connected', 20_000);

    const load = startSteadyLoad(devices, partnerOf);
    try {
      await new Promise((r) => setTimeout(r, 1_000));
      await redis.kill();
      await eventually(async () => (await fetch(`${urls[1]}/readyz`)).status === 503, 'readyz reporting Redis down');
      const ackedBeforeOutage = devices.reduce((s, d) => s + d.acked.size, 0);
      await new Promise((r) => setTimeout(r, 1_500));
      const ackedDuringOutage = devices.reduce((s, d) => s + d.acked.size, 0) - ackedBeforeOutage;
      expect(ackedDuringOutage, 'sends commit while Redis is down').toBeGreaterThan(0);

      await redis.start();
      const restartedAt = Date.now();
      await eventually(async () => (await fetch(`${urls[1]}/readyz`)).status === 200, 'readyz after the restart', 20_000);
      // Delivery resumes: a message sent after the restart reaches the partner's device on another node.
      const probe = devices[0]!;
      const receiver = devices.find((d) => d.userId === partnerOf(probe.userId) && d.door === 'signalr')!;
      await eventually(
        () => {
          const mark = `probe-${Date.now()}`;
          probe.send(receiver.userId, mark);
          return receiver.pushed.some((p) => p.clientMsgId?.startsWith('probe-'));
        },
        'cross-node delivery after the Redis restart',
        20_000,
      );
      console.info(`cross-node delivery resumed ${Date.now() - restartedAt} ms after Redis came back`);
      load.stop();
      await Promise.all(devices.map((d) => d.flush(30_000)));

      const { acked, messages } = await verifyExactlyOnce(urls[2]!, devices, tokens, partnerOf);
      console.info(`Redis restart: ${acked} acknowledged sends verified (${ackedDuringOutage} during the outage), ${messages} log entries`);
      expect(cluster.nodes.every((node) => node.alive())).toBe(true);
    } finally {
      load.stop();
      await Promise.all(devices.map((d) => d.stop().catch(() => undefined)));
    }
  }, 120_000);
});
