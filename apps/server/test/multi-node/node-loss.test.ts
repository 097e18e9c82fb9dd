/**
 * A node dies (SIGKILL) under load behind a balancer without affinity: its clients reconnect to
 * the other nodes and resend what was not confirmed; afterwards every acknowledged message
 * exists exactly once on both sides, and users who were only on the dead node go offline —
 * announced to their peers — within the presence TTL.
 */
import { describe, expect, it } from 'vitest';
import { createTestDatabase, TEST_DATABASE_URL } from '../support/test-database.js';
import { createTestRedisPrefix, TEST_REDIS_URL } from '../support/test-redis.js';
import { eventually } from '../support/test-app.js';
import { StompUser } from '../support/stomp-client.js';
import { Balancer } from './support/balancer.js';
import { startCluster } from './support/cluster.js';
import { signalrDevice, startSteadyLoad, stompDevice, type LoadDevice } from './support/load-device.js';
import { api, devToken } from './support/users.js';
import { verifyExactlyOnce } from './support/verify.js';

const ready = Boolean(TEST_DATABASE_URL && TEST_REDIS_URL);
if (!ready) console.warn('!!! multi-node node loss SKIPPED: needs PARLEY_TEST_DATABASE_URL and PARLEY_TEST_REDIS_URL');

const PRESENCE_TTL_MS = 2_000;
const PAIRS = [[1, 2], [3, 4], [5, 6]] as const;
const partnerOf = (id: number) => PAIRS.flat()[PAIRS.flat().indexOf(id as never) ^ 1]!;

describe.skipIf(!ready)('losing a node under load', () => {
  it('keeps every acknowledged message exactly once and takes the dead node\'s users offline', async () => {
    await using db = await createTestDatabase();
    await using space = createTestRedisPrefix();
    await using cluster = await startCluster(['node-a', 'node-b', 'node-c'], {
      databaseUrl: db.url,
      redisUrl: space.url,
      redisPrefix: space.prefix,
      env: { PARLEY_PRESENCE_TTL_MS: String(PRESENCE_TTL_MS) },
    });
    const [a, victim] = cluster.nodes as [(typeof cluster.nodes)[0], (typeof cluster.nodes)[0]];
    await using balancer = new Balancer(cluster.nodes.map((n) => n.url));
    const lb = await balancer.listen();

    // A user connected only to the victim, and a peer of theirs watching presence from node A.
    const ghost = 50, watcher = 51;
    const [tGhost, tWatcher] = [await devToken(lb, ghost), await devToken(lb, watcher)];
    expect((await api(lb, tWatcher, 'POST', '/messages', { receiverId: ghost, messageType: 'TEXT', content: 'hi', clientMsgId: 'w-1' })).status).toBe(201);
    await using watching = await (await new StompUser(a.url, { token: tWatcher }).connect()).subscribe('/user/queue/presence');
    await using _ghostDevice = await new StompUser(victim.url, { token: tGhost, reconnectDelay: 0 }).connect();
    await watching.next('/user/queue/presence', (p: any) => p.userId === ghost && p.online === true);

    const tokens = new Map<number, string>();
    for (const id of PAIRS.flat()) tokens.set(id, await devToken(lb, id));
    const devices: LoadDevice[] = [];
    for (const id of PAIRS.flat()) {
      devices.push(stompDevice(() => lb, id, tokens.get(id)!));
      devices.push(signalrDevice(lb, id, tokens.get(id)!));
    }
    await eventually(() => devices.every((d) => d.connects > 0), 'every device connected', 20_000);

    const load = startSteadyLoad(devices, partnerOf);
    try {
      await new Promise((r) => setTimeout(r, 1_500));
      await victim.kill('SIGKILL');
      const killedAt = Date.now();
      balancer.down(victim.url);
      await new Promise((r) => setTimeout(r, 2_000));
      load.stop();
      await Promise.all(devices.map((d) => d.flush(30_000)));

      // Presence of the ghost turns offline, announced to its peer, within the TTL (+ one renewal period).
      const offline = await watching.next('/user/queue/presence', (p: any) => p.userId === ghost && p.online === false, 10 * PRESENCE_TTL_MS);
      console.info(`ghost reported offline ${Date.now() - killedAt} ms after SIGKILL (TTL ${PRESENCE_TTL_MS} ms)`);
      expect(offline.body.lastSeenAt).not.toBeNull();
      const presence = await api(lb, tWatcher, 'GET', `/users/presence?ids=${ghost}`);
      expect(presence.body.items[0].online).toBe(false);
      await new Promise((r) => setTimeout(r, PRESENCE_TTL_MS));
      expect(watching.bodies('/user/queue/presence').filter((p: any) => p.userId === ghost && !p.online)).toHaveLength(1);

      expect(devices.some((d) => d.connects > 1), 'some device was on the killed node and reconnected').toBe(true);
      const { acked, messages } = await verifyExactlyOnce(lb, devices, tokens, partnerOf);
      console.info(`node loss: ${acked} acknowledged sends verified, ${messages} message log entries`);
      expect(acked).toBe(devices.length * load.rounds);
    } finally {
      load.stop();
      await Promise.all(devices.map((d) => d.stop().catch(() => undefined)));
    }
  }, 120_000);
});
