/**
 * The domain rules (messages, read marks, recall, exchange, presence, blocks), through the services as the composition root wires them
 * on in-process ports (PGlite `memory://`, memory fan-out, presence and rate limits). Pushes are
 * observed through recording ClientSessions, as a door would receive them.
 */
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ErrorCode } from '@parley/protocol';
import { buildApp, type ParleyApp } from './app.js';
import { loadConfig } from './config.js';
import { isAppError } from './domain/app-error.js';
import type { DeliveryEvent, PushRecipient } from './domain/delivery-event.js';
import type { ClientSession } from './ports/client-session.js';
import type { Clock } from './ports/clock.js';

/** A clock that runs with real time plus an offset the test moves. */
class ShiftedClock implements Clock {
  offsetMs = 0;
  now(): Date {
    return new Date(Date.now() + this.offsetMs);
  }
}

class RecordingSession implements ClientSession {
  static count = 0;
  readonly id = `test-${++RecordingSession.count}`;
  readonly door = 'stomp' as const;
  readonly transportName = null;
  readonly pushes: { kind: DeliveryEvent['kind']; body: unknown; userSeq: number | null }[] = [];
  constructor(readonly userId: number) {}
  push(event: DeliveryEvent, recipient: PushRecipient): void {
    this.pushes.push({ kind: event.kind, body: recipient.body ?? event.body, userSeq: recipient.userSeq });
  }
  close(): void {}
  of(kind: DeliveryEvent['kind']) {
    return this.pushes.filter((p) => p.kind === kind);
  }
}

async function rejection(promise: Promise<unknown>): Promise<{ code: ErrorCode; message: string; details?: Record<string, unknown> }> {
  try {
    await promise;
  } catch (error) {
    if (isAppError(error)) return { code: error.code, message: error.message, ...(error.details ? { details: error.details } : {}) };
    throw error;
  }
  throw new Error('expected the operation to fail');
}

function startApp(env: Record<string, string> = {}, clock?: Clock): Promise<ParleyApp> {
  const config = loadConfig({ PARLEY_DATA_DIR: 'memory://', PARLEY_SEND_RATE: '100000', PARLEY_SEND_BURST: '100000', PARLEY_PROCESS_METRICS: 'false', ...env });
  return buildApp(config, { logger: false, ...(clock ? { clock } : {}) });
}

describe('service rules on in-process ports', () => {
  const clock = new ShiftedClock();
  let app: ParleyApp;
  let nextId = 100;

  /** Fresh users (created as a token would create them), optionally with profile data. */
  async function users(count: number, profile: { wechatId?: string; photoUrls?: string[] } = {}): Promise<number[]> {
    const ids: number[] = [];
    for (let i = 0; i < count; i++) {
      const id = nextId++;
      await app.services.users.updateProfile(id, { name: `user ${id}`, ...profile });
      ids.push(id);
    }
    return ids;
  }

  async function connect(userId: number): Promise<RecordingSession> {
    const session = new RecordingSession(userId);
    await app.registry.add(session);
    return session;
  }

  const send = (from: number, to: number, content = 'hello', clientMsgId: string | null = null) =>
    app.services.messaging.send(from, { receiverId: to, messageType: 'TEXT', content, clientMsgId });

  const historyOf = async (a: number, b: number) => (await app.services.queries.history(a, b, { limit: 100 })).items;

  beforeAll(async () => {
    app = await startApp({}, clock);
  });

  afterAll(async () => {
    await app?.shutdown();
  });

  describe('send', () => {
    it('refuses a conversation with yourself', async () => {
      const [a] = await users(1);
      expect((await rejection(send(a!, a!))).code).toBe('SELF_CHAT');
      expect((await rejection(app.services.queries.history(a!, a!, {}))).code).toBe('SELF_CHAT');
      expect((await rejection(app.services.exchange.request(a!, a!, 'WECHAT'))).code).toBe('SELF_CHAT');
      expect((await app.services.queries.sync(a!, 0)).events).toEqual([]);
    });

    it('refuses an unknown receiver and stores nothing', async () => {
      const [a] = await users(1);
      expect((await rejection(send(a!, 999_999))).code).toBe('USER_NOT_FOUND');
      expect((await rejection(app.services.queries.history(a!, 999_999, {}))).code).toBe('USER_NOT_FOUND');
      expect((await app.services.queries.conversations(a!, {})).items).toEqual([]);
    });

    it('pushes a stored message to every connection of sender and receiver, with each one’s userSeq', async () => {
      const [a, b] = await users(2);
      const [a1, a2, b1] = [await connect(a!), await connect(a!), await connect(b!)];
      const sent = await send(a!, b!, 'hi', 'c-1');
      expect(sent).toMatchObject({ duplicate: false, userSeq: 1, message: { seq: 1, senderId: a, receiverId: b, content: 'hi', clientMsgId: 'c-1' } });
      for (const session of [a1, a2, b1]) expect(session.of('message')).toEqual([{ kind: 'message', body: sent.message, userSeq: 1 }]);
      const again = await send(a!, b!, 'hi (retry)', 'c-1');
      expect(again).toMatchObject({ duplicate: true, userSeq: null, message: { id: sent.message.id, content: 'hi' } });
      expect(b1.of('message')).toHaveLength(1);
      for (const s of [a1, a2, b1]) await app.registry.remove(s);
    });

    it('stores a sender’s messages in the order sent, even when an image needs a lookup the next text does not', async () => {
      const [a, b] = await users(2);
      const png = await sharp({ create: { width: 4, height: 3, channels: 3, background: '#c33' } }).png().toBuffer();
      const { url } = await app.services.media.upload(a!, async () => png);
      const sends = [
        app.services.messaging.send(a!, { receiverId: b!, messageType: 'IMAGE', content: url, clientMsgId: null }),
        app.services.messaging.send(a!, { receiverId: b!, messageType: 'TEXT', content: 'after the image', clientMsgId: null }),
        app.services.messaging.send(a!, { receiverId: b!, messageType: 'TEXT', content: 'last', clientMsgId: null }),
      ];
      const seqs = (await Promise.all(sends)).map((r) => r.message.seq);
      expect(seqs).toEqual([1, 2, 3]);
      expect((await historyOf(a!, b!)).map((m) => m.messageType)).toEqual(['IMAGE', 'TEXT', 'TEXT']);
    });

    it('rejects invalid content per type', async () => {
      const [a, b] = await users(2);
      const bad = [
        { messageType: 'TEXT', content: '   ' },
        { messageType: 'EMOJI', content: 'x'.repeat(65) },
        { messageType: 'IMAGE', content: 'https://elsewhere.example.com/x.png' },
        { messageType: 'IMAGE', content: '/media/NotUploadedAtAll1.png' },
        { messageType: 'VOICE', content: '/media/NotUploadedAtAll1.mp3', extra: { durationMs: 0 } },
      ] as const;
      for (const command of bad) {
        const error = await rejection(app.services.messaging.send(a!, { ...command, receiverId: b!, clientMsgId: null }));
        expect(error.code, JSON.stringify(command)).toBe('VALIDATION_FAILED');
      }
      expect(await historyOf(a!, b!)).toEqual([]);
    });
  });

  describe('blocks', () => {
    it('fails a blocked sender with BLOCKED, stores and delivers nothing, and lets the blocker write', async () => {
      const [a, b] = await users(2, { wechatId: 'wx' });
      await send(a!, b!, 'before');
      const bSession = await connect(b!);
      await app.services.users.block(b!, a!);
      expect((await app.services.users.blocked(b!)).map((x) => x.userId)).toEqual([a]);
      expect((await rejection(send(a!, b!, 'after'))).code).toBe('BLOCKED');
      expect((await rejection(app.services.exchange.request(a!, b!, 'WECHAT'))).code).toBe('BLOCKED');
      expect(bSession.pushes).toEqual([]);
      expect((await send(b!, a!, 'the blocker can still write')).message.seq).toBe(2);
      expect((await historyOf(a!, b!)).map((m) => m.content)).toEqual(['before', 'the blocker can still write']);
      await app.services.users.unblock(b!, a!);
      expect((await send(a!, b!, 'after unblock')).message.seq).toBe(3);
      await app.registry.remove(bSession);
    });

    it('refuses to block yourself or an unknown user', async () => {
      const [a] = await users(1);
      expect((await rejection(app.services.users.block(a!, a!))).code).toBe('SELF_CHAT');
      expect((await rejection(app.services.users.block(a!, 987_654))).code).toBe('USER_NOT_FOUND');
    });
  });

  describe('read marks', () => {
    it('answers CONVERSATION_NOT_FOUND or FORBIDDEN outside your conversations', async () => {
      const [a, b, c] = await users(3);
      const { message } = await send(a!, b!);
      expect((await rejection(app.services.messaging.markRead(c!, message.conversationId, null))).code).toBe('FORBIDDEN');
      expect((await rejection(app.services.messaging.markRead(a!, 88_888_888, null))).code).toBe('CONVERSATION_NOT_FOUND');
    });

    it('pushes a read receipt to the peer and the reader’s other devices only when the mark moves', async () => {
      const [a, b] = await users(2);
      await send(a!, b!, '1');
      const { message } = await send(a!, b!, '2');
      const [aSession, bSession] = [await connect(a!), await connect(b!)];
      const read = await app.services.messaging.markRead(b!, message.conversationId, 1);
      expect(read).toMatchObject({ readUpToSeq: 1, unreadCount: 1, userSeq: 3 });
      const receipt = { conversationId: message.conversationId, readerId: b, readUpToSeq: 1 };
      expect(aSession.of('read')).toEqual([{ kind: 'read', body: receipt, userSeq: 3 }]);
      expect(bSession.of('read')).toEqual([{ kind: 'read', body: receipt, userSeq: 3 }]);
      expect(await app.services.messaging.markRead(b!, message.conversationId, 1)).toMatchObject({ readUpToSeq: 1, userSeq: null });
      expect(aSession.of('read')).toHaveLength(1);
      for (const s of [aSession, bSession]) await app.registry.remove(s);
    });
  });

  describe('recall', () => {
    it('lets only the sender recall, within 2 minutes of sending', async () => {
      const [a, b] = await users(2);
      const bSession = await connect(b!);
      try {
        const first = await send(a!, b!, 'first');
        const second = await send(a!, b!, 'second');
        expect((await rejection(app.services.messaging.recall(b!, first.message.id))).code).toBe('FORBIDDEN');
        expect((await rejection(app.services.messaging.recall(a!, 77_777_777))).code).toBe('MESSAGE_NOT_FOUND');

        clock.offsetMs = 119_000;
        const recalled = await app.services.messaging.recall(a!, first.message.id);
        expect(recalled.message).toMatchObject({ id: first.message.id, seq: 1, status: 'RECALLED', content: '' });
        expect(recalled.userSeq).toBe(3);
        expect(bSession.of('recall')).toEqual([{ kind: 'recall', body: { conversationId: first.message.conversationId, messageId: first.message.id, seq: 1 }, userSeq: 3 }]);
        // Recalling again answers the recalled message and logs nothing.
        expect(await app.services.messaging.recall(a!, first.message.id)).toMatchObject({ userSeq: null, message: { status: 'RECALLED' } });

        clock.offsetMs = 121_000;
        expect((await rejection(app.services.messaging.recall(a!, second.message.id))).code).toBe('RECALL_WINDOW_PASSED');
        expect((await historyOf(a!, b!)).map((m) => [m.status, m.content])).toEqual([
          ['RECALLED', ''],
          ['NORMAL', 'second'],
        ]);
      } finally {
        clock.offsetMs = 0;
        await app.registry.remove(bSession);
      }
    });

    it('refuses to recall exchange messages', async () => {
      const [a, b] = await users(2, { wechatId: 'wx' });
      const request = await app.services.exchange.request(a!, b!, 'WECHAT');
      expect((await rejection(app.services.messaging.recall(a!, request.message.id))).code).toBe('VALIDATION_FAILED');
    });
  });

  describe('exchange', () => {
    it('needs the requester’s own data on file (PROFILE_INCOMPLETE)', async () => {
      const [a, b] = await users(2);
      expect((await rejection(app.services.exchange.request(a!, b!, 'WECHAT'))).code).toBe('PROFILE_INCOMPLETE');
      expect((await rejection(app.services.exchange.request(a!, b!, 'PHOTO'))).code).toBe('PROFILE_INCOMPLETE');
      expect((await rejection(app.services.exchange.request(a!, 999_998, 'PHOTO'))).code).toBe('USER_NOT_FOUND');
      expect(await historyOf(a!, b!)).toEqual([]);
    });

    it('keeps one pending request per pair and kind', async () => {
      const [a, b] = await users(2, { wechatId: 'wx', photoUrls: ['https://cdn.example.com/p.jpg'] });
      const first = await app.services.exchange.request(a!, b!, 'WECHAT');
      expect(first).toMatchObject({ created: true, userSeq: 1, message: { messageType: 'EXCHANGE_WECHAT_REQUEST', extra: { exchangeStatus: 'PENDING' } } });
      expect(await app.services.exchange.request(a!, b!, 'WECHAT')).toMatchObject({ created: false, userSeq: null, message: { id: first.message.id } });
      expect(await app.services.exchange.request(a!, b!, 'PHOTO')).toMatchObject({ created: true });
    });

    it('lets only the receiver answer, once, and reveals each side only to the other', async () => {
      const [a, b, c] = await users(3);
      await app.services.users.updateProfile(a!, { wechatId: 'wx-a' });
      const [aSession, bSession] = [await connect(a!), await connect(b!)];
      try {
        const request = await app.services.exchange.request(a!, b!, 'WECHAT');
        const requestId = request.message.id;
        expect((await rejection(app.services.exchange.respond(a!, requestId, true))).code).toBe('FORBIDDEN');
        expect((await rejection(app.services.exchange.respond(c!, requestId, true))).code).toBe('FORBIDDEN');
        expect((await rejection(app.services.exchange.respond(b!, 66_666_666, true))).code).toBe('MESSAGE_NOT_FOUND');
        // Accepting needs the responder's own data; the request stays pending.
        expect((await rejection(app.services.exchange.respond(b!, requestId, true))).code).toBe('PROFILE_INCOMPLETE');
        const plain = await send(a!, b!, 'not an exchange');
        expect((await rejection(app.services.exchange.respond(b!, plain.message.id, true))).code).toBe('VALIDATION_FAILED');

        await app.services.users.updateProfile(b!, { wechatId: 'wx-b' });
        const answer = await app.services.exchange.respond(b!, requestId, true);
        expect(answer.request).toMatchObject({ id: requestId, extra: { exchangeStatus: 'ACCEPTED' } });
        expect(answer.result).toMatchObject({ messageType: 'EXCHANGE_WECHAT_RESULT', senderId: b, receiverId: a });
        expect(answer.result.seq).toBeGreaterThan(request.message.seq);
        expect(answer.answer).toEqual({ messageId: requestId, requesterId: a, responderId: b, kind: 'WECHAT', accepted: true, exchangedData: { userId: a, wechatId: 'wx-a' } });

        const aAnswers = aSession.of('exchange');
        const bAnswers = bSession.of('exchange');
        expect(aAnswers.map((p) => p.body)).toEqual([{ ...answer.answer, exchangedData: { userId: b, wechatId: 'wx-b' } }]);
        expect(bAnswers.map((p) => p.body)).toEqual([answer.answer]);
        // The result message pushed to each side carries only the other side's data.
        const aResult = aSession.of('message').find((p) => (p.body as { id: number }).id === answer.result.id);
        const bResult = bSession.of('message').find((p) => (p.body as { id: number }).id === answer.result.id);
        expect(JSON.stringify(aResult?.body)).toContain('wx-b');
        expect(JSON.stringify(aResult?.body)).not.toContain('wx-a');
        expect(JSON.stringify(bResult?.body)).toContain('wx-a');
        expect(JSON.stringify(bResult?.body)).not.toContain('wx-b');
        // Nothing private reaches a third party or the history of a plain conversation.
        expect(JSON.stringify(await historyOf(a!, b!))).not.toContain('revealed');

        expect((await rejection(app.services.exchange.respond(b!, requestId, false))).code).toBe('EXCHANGE_NOT_PENDING');
      } finally {
        for (const s of [aSession, bSession]) await app.registry.remove(s);
      }
    });

    it('stores a refusal without needing or revealing data', async () => {
      const [a, b] = await users(2);
      await app.services.users.updateProfile(a!, { photoUrls: ['https://cdn.example.com/a.jpg'] });
      const request = await app.services.exchange.request(a!, b!, 'PHOTO');
      const answer = await app.services.exchange.respond(b!, request.message.id, false);
      expect(answer.answer).toMatchObject({ accepted: false, exchangedData: null, kind: 'PHOTO' });
      expect(answer.request.extra).toEqual({ exchangeStatus: 'REJECTED' });
    });
  });

  describe('presence', () => {
    it('reveals presence only to conversation peers (and yourself) and pushes changes only to them', async () => {
      const [a, b, stranger] = await users(3);
      await send(a!, b!);
      const aSession = await connect(a!);
      const strangerSession = await connect(stranger!);
      const bSession = await connect(b!);
      expect(aSession.of('presence').map((p) => p.body)).toEqual([{ userId: b, online: true, lastSeenAt: null }]);
      expect(strangerSession.of('presence')).toEqual([]);

      const seen = await app.services.presence.lookup(a!, [b!, stranger!, a!, 424_242]);
      expect(seen).toEqual([
        { userId: b, online: true, lastSeenAt: null },
        { userId: stranger, online: false, lastSeenAt: null },
        { userId: a, online: true, lastSeenAt: null },
        { userId: 424_242, online: false, lastSeenAt: null },
      ]);
      expect(await app.services.presence.lookup(stranger!, [a!, b!])).toEqual([
        { userId: a, online: false, lastSeenAt: null },
        { userId: b, online: false, lastSeenAt: null },
      ]);

      await app.registry.remove(bSession);
      const offline = aSession.of('presence').at(-1)!.body as { online: boolean; lastSeenAt: string };
      expect(offline).toMatchObject({ userId: b, online: false });
      expect(Date.parse(offline.lastSeenAt)).not.toBeNaN();
      expect(strangerSession.of('presence')).toEqual([]);
      expect((await app.services.presence.lookup(a!, [b!]))[0]).toMatchObject({ online: false, lastSeenAt: offline.lastSeenAt });
      await app.registry.remove(aSession);
      await app.registry.remove(strangerSession);
    });
  });
});

describe('send rate limit', () => {
  it('answers RATE_LIMITED with retryAfterMs over the per-user budget, storing nothing, other users unaffected', async () => {
    // One token per 100 s: however slow a loaded machine is between the sends, none refills.
    await using app = await startApp({ PARLEY_SEND_RATE: '0.01', PARLEY_SEND_BURST: '3' });
    for (const id of [1, 2, 3]) await app.services.users.updateProfile(id, {});
    const send = (from: number, to: number, n: number) =>
      app.services.messaging.send(from, { receiverId: to, messageType: 'TEXT', content: `m${n}`, clientMsgId: `${from}-${n}` });
    for (let i = 1; i <= 3; i++) await send(1, 2, i);
    const error = await rejection(send(1, 2, 4));
    expect(error.code).toBe('RATE_LIMITED');
    expect(error.details?.retryAfterMs).toBeGreaterThan(0);
    expect(error.details?.retryAfterMs).toBeLessThanOrEqual(100_000);
    expect((await app.services.queries.history(1, 2, {})).items.map((m) => m.content)).toEqual(['m1', 'm2', 'm3']);
    expect((await send(3, 2, 1)).message.seq).toBe(1);
  });
});
