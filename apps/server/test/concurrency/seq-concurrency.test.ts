/**
 * Gap-free seq, the per-user update log and idempotent send (docs/architecture.md, decisions 1–3) under load: many devices of both users send at once through real HTTP (and
 * resend each other's clientMsgIds), while a third user writes to one of them. Afterwards each
 * conversation's seq is exactly 1..N and each user's update log is 1..K with every message once.
 */
import { describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../support/test-app.js';
import { createTestDatabase, TEST_DATABASE_URL } from '../support/test-database.js';

const DEVICES_PER_USER = 4;
const MESSAGES_PER_DEVICE = 25;
const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

async function fetchAll<T>(server: TestServer, token: string, path: (cursor: number) => string, pick: (body: any) => { items: T[]; more: boolean; next: number }) {
  const all: T[] = [];
  let cursor = 0;
  for (;;) {
    const response = await server.api(token, 'GET', path(cursor));
    expect(response.status).toBe(200);
    const page = pick(response.body);
    all.push(...page.items);
    if (!page.more) return all;
    cursor = page.next;
  }
}

async function hammer(server: TestServer): Promise<void> {
  const A = 101;
  const B = 202;
  const C = 303;
  const devices: { userId: number; peer: number; token: string; tag: string }[] = [];
  for (const [userId, peer] of [
    [A, B],
    [B, A],
  ] as const) {
    for (let d = 0; d < DEVICES_PER_USER; d++) devices.push({ userId, peer, token: await server.token(userId, `user${userId}`), tag: `u${userId}-d${d}` });
  }
  const third = { userId: C, peer: A, token: await server.token(C, 'third'), tag: 'u303' };

  type Answer = { status: number; id: number; seq: number; conversationId: number; clientMsgId: string };
  const answers: Answer[] = [];
  const sendAll = async (device: { token: string; peer: number; tag: string }, ids: string[]) => {
    for (const clientMsgId of ids) {
      const response = await server.api(device.token, 'POST', '/messages', { receiverId: device.peer, messageType: 'TEXT', content: `${device.tag}:${clientMsgId}`, clientMsgId });
      expect([200, 201], JSON.stringify(response.body)).toContain(response.status);
      answers.push({ status: response.status, id: response.body.id, seq: response.body.seq, conversationId: response.body.conversationId, clientMsgId });
    }
  };
  const idsOf = (tag: string) => range(1, MESSAGES_PER_DEVICE).map((i) => `${tag}-${i}`);
  await Promise.all([
    ...devices.map((device) => sendAll(device, idsOf(device.tag))),
    // Each device also resends some of a sibling device's ids (same user), as a reconnecting client would.
    ...devices.map((device, k) => {
      const sibling = devices[(k % DEVICES_PER_USER === DEVICES_PER_USER - 1 ? k - (DEVICES_PER_USER - 1) : k + 1)]!;
      return sendAll(device, idsOf(sibling.tag).slice(0, 5));
    }),
    sendAll(third, idsOf(third.tag)),
  ]);

  const uniqueSends = devices.length * MESSAGES_PER_DEVICE;
  const abAnswers = answers.filter((a) => !a.clientMsgId.startsWith('u303'));
  expect(abAnswers.filter((a) => a.status === 201)).toHaveLength(uniqueSends);
  // Every answer for one clientMsgId names the same stored message.
  const byClientId = new Map<string, Set<number>>();
  for (const a of abAnswers) byClientId.set(a.clientMsgId, (byClientId.get(a.clientMsgId) ?? new Set()).add(a.id));
  expect(byClientId.size).toBe(uniqueSends);
  for (const ids of byClientId.values()) expect(ids.size).toBe(1);

  const history = await fetchAll(server, devices[0]!.token, (after) => `/messages/history/${B}?afterSeq=${after}&limit=100`, (body) => ({
    items: body.items as { id: number; seq: number; clientMsgId: string }[],
    more: body.hasMore,
    next: body.items.at(-1)?.seq ?? 0,
  }));
  expect(history.map((m) => m.seq)).toEqual(range(1, uniqueSends));
  expect(new Set(history.map((m) => m.id)).size).toBe(uniqueSends);
  expect(new Set(history.map((m) => m.clientMsgId))).toEqual(new Set(byClientId.keys()));
  // The seq each sender was told is the stored one.
  const seqById = new Map(history.map((m) => [m.id, m.seq]));
  for (const a of abAnswers) expect(seqById.get(a.id)).toBe(a.seq);

  const expectedLog = { [A]: uniqueSends + MESSAGES_PER_DEVICE, [B]: uniqueSends, [C]: MESSAGES_PER_DEVICE };
  for (const [userId, count] of Object.entries(expectedLog)) {
    const token = userId === String(C) ? third.token : devices.find((d) => d.userId === Number(userId))!.token;
    const events = await fetchAll(server, token, (since) => `/sync?since=${since}&limit=70`, (body) => ({
      items: body.events as { userSeq: number; type: string; data: { id: number } }[],
      more: body.hasMore,
      next: body.events.at(-1)?.userSeq ?? 0,
    }));
    expect(events.map((e) => e.userSeq), `userSeq of ${userId}`).toEqual(range(1, count));
    expect(events.every((e) => e.type === 'message')).toBe(true);
    expect(new Set(events.map((e) => e.data.id)).size, `messages in the log of ${userId}`).toBe(count);
    const latest = await server.api(token, 'GET', '/messages/conversations');
    expect(latest.body.userSeq).toBe(count);
  }
  const cHistory = (await server.api(third.token, 'GET', `/messages/history/${A}?afterSeq=0&limit=100`)).body.items;
  expect(cHistory.map((m: { seq: number }) => m.seq)).toEqual(range(1, MESSAGES_PER_DEVICE));
}

const FAST = { PARLEY_SEND_RATE: '100000', PARLEY_SEND_BURST: '100000' };

describe('concurrent senders in one conversation', () => {
  it('on PGlite: seq 1..N, each userSeq gap-free without repeats', async () => {
    await using server = await startTestServer(FAST);
    await hammer(server);
  });

  it.skipIf(!TEST_DATABASE_URL)('on PostgreSQL: seq 1..N, each userSeq gap-free without repeats', async () => {
    await using database = await createTestDatabase();
    await using server = await startTestServer({ ...FAST, DATABASE_URL: database.url });
    await hammer(server);
  });

  it.skipIf(!TEST_DATABASE_URL)('on PostgreSQL with one message per transaction (no batching): the same guarantees', async () => {
    await using database = await createTestDatabase();
    await using server = await startTestServer({ ...FAST, DATABASE_URL: database.url, PARLEY_WRITE_BATCH_MAX: '1', PARLEY_WRITE_CONCURRENCY: '8' });
    await hammer(server);
  });
});
