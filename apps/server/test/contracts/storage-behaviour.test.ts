/**
 * One behaviour suite for the storage ports (as centrifuge tests its brokers with one shared suite), run
 * against embedded PGlite (`memory://`) and against a real PostgreSQL server (a fresh database
 * per backend, dropped afterwards). Tests isolate by user ids: each takes ids nobody else uses.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ExchangedData, Message } from '@parley/protocol';
import type { NewMessage, SendOutcome } from '../../src/ports/message-store.js';
import { MemoryBlobStore } from '../../src/storage/blob-store.js';
import { PostgresBlockStore } from '../../src/storage/postgres-block-store.js';
import { PostgresConversationStore } from '../../src/storage/postgres-conversation-store.js';
import { PostgresMediaStore } from '../../src/storage/postgres-media-store.js';
import { PostgresMessageStore } from '../../src/storage/postgres-message-store.js';
import { PostgresUpdateLog } from '../../src/storage/postgres-update-log.js';
import { PostgresUserStore } from '../../src/storage/postgres-user-store.js';
import type { SqlClient } from '../../src/storage/sql-client.js';
import { SQL_BACKENDS } from '../support/sql-backends.js';


const text = (senderId: number, receiverId: number, content: string, clientMsgId: string | null = null): NewMessage => ({
  senderId,
  receiverId,
  messageType: 'TEXT',
  content,
  extra: null,
  clientMsgId,
});

function stored(outcome: SendOutcome | undefined): Message & { userSeqs: Map<number, number> } {
  if (outcome?.kind !== 'stored') throw new Error(`expected stored, got ${JSON.stringify(outcome)}`);
  return { ...outcome.message, userSeqs: outcome.userSeqs };
}

const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

for (const backend of SQL_BACKENDS) {
  describe.skipIf(!backend.available)(`storage ports on ${backend.name}`, () => {
    let db: SqlClient;
    let dispose: () => Promise<void>;
    let users: PostgresUserStore;
    let conversations: PostgresConversationStore;
    let messages: PostgresMessageStore;
    let updates: PostgresUpdateLog;
    let blocks: PostgresBlockStore;
    let media: PostgresMediaStore;
    // Every test takes fresh user ids, so tests never see each other's rows.
    let nextUserId = 1000;

    async function newUsers(count: number, patch: Parameters<PostgresUserStore['upsert']>[1] = {}): Promise<number[]> {
      const ids = range(nextUserId, nextUserId + count - 1);
      nextUserId += count + 10;
      for (const id of ids) await users.upsert(id, patch);
      return ids;
    }

    async function sendOne(senderId: number, receiverId: number, content = 'hi', clientMsgId: string | null = null) {
      const [outcome] = await messages.appendBatch([text(senderId, receiverId, content, clientMsgId)]);
      return stored(outcome);
    }

    async function allEvents(userId: number) {
      return (await updates.since(userId, 0, 1000)).events;
    }

    async function historyAll(a: number, b: number) {
      const conversation = await conversations.findByPair(a, b);
      if (!conversation) return [];
      return (await messages.history(conversation.id, a, { afterSeq: 0, limit: 1000 })).items;
    }

    beforeAll(async () => {
      ({ db, dispose } = await backend.open());
      users = new PostgresUserStore(db);
      conversations = new PostgresConversationStore(db);
      messages = new PostgresMessageStore(db);
      updates = new PostgresUpdateLog(db);
      blocks = new PostgresBlockStore(db);
      media = new PostgresMediaStore(db, new MemoryBlobStore());
    });

    afterAll(async () => {
      await dispose?.();
    });

    describe('MessageStore.appendBatch', () => {
      it('numbers each conversation 1..N in batch order, independently of other conversations', async () => {
        const [a, b, c] = await newUsers(3);
        const items: NewMessage[] = [];
        for (let i = 0; i < 30; i++) items.push(i % 3 === 0 ? text(c!, a!, `c${i}`) : text(i % 2 ? a! : b!, i % 2 ? b! : a!, `ab${i}`));
        const outcomes = await messages.appendBatch(items);
        expect(outcomes.every((o) => o.kind === 'stored')).toBe(true);
        const ab = outcomes.map(stored).filter((m) => m.content.startsWith('ab'));
        const ca = outcomes.map(stored).filter((m) => m.content.startsWith('c'));
        expect(ab.map((m) => m.seq)).toEqual(range(1, ab.length));
        expect(ca.map((m) => m.seq)).toEqual(range(1, ca.length));
        expect(new Set(ab.map((m) => m.conversationId)).size).toBe(1);
        expect(ab[0]!.conversationId).not.toBe(ca[0]!.conversationId);

        // A second batch continues where the first stopped.
        const next = stored((await messages.appendBatch([text(a!, b!, 'ab-more')]))[0]);
        expect(next.seq).toBe(ab.length + 1);
        expect((await historyAll(a!, b!)).map((m) => m.seq)).toEqual(range(1, ab.length + 1));
      });

      it('keeps seq gap-free under concurrent batches that touch overlapping conversations', async () => {
        const ids = await newUsers(6);
        // Every batch spans several pairs in a different order; new conversations get created concurrently.
        const batches = range(0, 11).map((k) =>
          range(0, 9).map((i) => {
            const s = ids[(k + i) % ids.length]!;
            const r = ids[(k + 2 * i + 1) % ids.length]!;
            return text(s, r === s ? ids[(k + i + 1) % ids.length]! : r, `k${k}i${i}`);
          }),
        );
        const outcomes = (await Promise.all(batches.map((batch) => messages.appendBatch(batch)))).flat();
        const byConversation = new Map<number, number[]>();
        for (const o of outcomes) {
          const m = stored(o);
          byConversation.set(m.conversationId, [...(byConversation.get(m.conversationId) ?? []), m.seq]);
        }
        for (const seqs of byConversation.values()) expect(seqs.sort((x, y) => x - y)).toEqual(range(1, seqs.length));
        for (const id of ids) {
          const events = await allEvents(id);
          expect(events.map((e) => e.userSeq)).toEqual(range(1, events.length));
        }
      });

      it("gives each user a gap-free userSeq across all their conversations, matching the outcomes' userSeqs", async () => {
        const [a, b, c] = await newUsers(3);
        const outcomes = await messages.appendBatch([text(a!, b!, '1'), text(c!, a!, '2'), text(a!, c!, '3'), text(b!, a!, '4')]);
        await messages.appendBatch([text(b!, c!, 'not a'), text(a!, b!, '5')]);
        const events = await allEvents(a!);
        expect(events.map((e) => e.userSeq)).toEqual([1, 2, 3, 4, 5]);
        expect(events.map((e) => (e.type === 'message' ? e.data.content : null))).toEqual(['1', '2', '3', '4', '5']);
        expect(outcomes.map((o) => stored(o).userSeqs.get(a!))).toEqual([1, 2, 3, 4]);
        expect(stored(outcomes[0]).userSeqs.get(b!)).toBe(1);
        expect(await users.latestUserSeq(a!)).toBe(5);
        expect(await users.latestUserSeq(c!)).toBe(3);
        expect(await users.latestUserSeq(999_999_999)).toBe(0);
      });

      it('answers a repeated (sender, clientMsgId) with the stored message, within one batch and across batches', async () => {
        const [a, b] = await newUsers(2);
        const outcomes = await messages.appendBatch([
          text(a!, b!, 'first', 'c-1'),
          text(a!, b!, 'again in the same batch', 'c-1'),
          text(b!, a!, 'same id, other sender', 'c-1'),
          text(a!, b!, 'second', 'c-2'),
        ]);
        expect(outcomes.map((o) => o.kind)).toEqual(['stored', 'duplicate', 'stored', 'stored']);
        const first = stored(outcomes[0]);
        const repeat = outcomes[1]!;
        expect(repeat.kind === 'duplicate' && repeat.message).toMatchObject({ id: first.id, seq: 1, content: 'first', clientMsgId: 'c-1' });
        const later = await messages.appendBatch([text(a!, b!, 'retry after a crash', 'c-1'), text(a!, b!, 'retry', 'c-2')]);
        expect(later.map((o) => o.kind)).toEqual(['duplicate', 'duplicate']);
        const retried = later[0]!;
        expect(retried.kind === 'duplicate' && retried.message.id).toBe(first.id);
        // Nothing new stored or logged for repeats.
        expect((await historyAll(a!, b!)).map((m) => m.content)).toEqual(['first', 'same id, other sender', 'second']);
        expect((await allEvents(a!)).length).toBe(3);
      });

      it('treats two concurrent batches carrying the same new (sender, clientMsgId) as one send, failing nobody', async () => {
        const [a, b, c] = await newUsers(3);
        for (let round = 0; round < 5; round++) {
          const id = `race-${round}`;
          const [left, right] = await Promise.all([
            messages.appendBatch([text(a!, b!, 'x', id), text(c!, b!, `other-left-${round}`)]),
            messages.appendBatch([text(a!, b!, 'x', id), text(c!, a!, `other-right-${round}`)]),
          ]);
          const kinds = [left![0]!.kind, right![0]!.kind].sort();
          expect(kinds).toEqual(['duplicate', 'stored']);
          expect(left![1]!.kind).toBe('stored');
          expect(right![1]!.kind).toBe('stored');
        }
        expect((await historyAll(a!, b!)).map((m) => m.seq)).toEqual(range(1, 5));
        expect((await allEvents(a!)).map((e) => e.userSeq)).toEqual(range(1, 10));
      });

      it('rejects unknown users and blocked senders item by item, leaving the rest of the batch stored gap-free', async () => {
        const [a, b, c] = await newUsers(3);
        await blocks.block(c!, a!);
        const outcomes = await messages.appendBatch([
          text(a!, b!, 'ok 1'),
          text(a!, 987_654_321, 'to nobody'),
          text(a!, c!, 'blocked'),
          text(987_654_322, b!, 'from nobody'),
          text(b!, a!, 'ok 2'),
          text(c!, a!, 'the blocker may still write'),
        ]);
        expect(outcomes.map((o) => (o.kind === 'rejected' ? o.code : o.kind))).toEqual(['stored', 'USER_NOT_FOUND', 'BLOCKED', 'USER_NOT_FOUND', 'stored', 'stored']);
        expect((await historyAll(a!, b!)).map((m) => [m.seq, m.content])).toEqual([
          [1, 'ok 1'],
          [2, 'ok 2'],
        ]);
        expect(await conversations.findByPair(a!, 987_654_321)).toBeNull();
        expect((await historyAll(c!, a!)).map((m) => m.content)).toEqual(['the blocker may still write']);
        expect((await allEvents(a!)).map((e) => e.userSeq)).toEqual([1, 2, 3]);
        // A repeat of a rejected item in the same batch is rejected too.
        const again = await messages.appendBatch([text(a!, c!, 'blocked', 'r-1'), text(a!, c!, 'blocked', 'r-1')]);
        expect(again.map((o) => (o.kind === 'rejected' ? o.code : o.kind))).toEqual(['BLOCKED', 'BLOCKED']);
        await blocks.unblock(c!, a!);
        expect((await messages.appendBatch([text(a!, c!, 'after unblock', 'r-1')]))[0]!.kind).toBe('stored');
      });

      it('stores content verbatim, SQL-looking strings and JSON extra included', async () => {
        const [a, b] = await newUsers(2);
        const evil = "'); DROP TABLE messages; -- \\ \u0000? no: \u4f60\u597d 😀";
        const content = evil.replace('\u0000', '');
        const m = stored((await messages.appendBatch([{ ...text(a!, b!, content, "'; SELECT 1; --"), extra: { note: "' OR 1=1 --", n: 1 } }]))[0]);
        const [back] = await historyAll(a!, b!);
        expect(back).toMatchObject({ id: m.id, content, clientMsgId: "'; SELECT 1; --", extra: { note: "' OR 1=1 --", n: 1 } });
      });
    });

    describe('MessageStore.history', () => {
      it('pages latest, beforeSeq and afterSeq with hasMore, always ascending', async () => {
        const [a, b] = await newUsers(2);
        await messages.appendBatch(range(1, 25).map((i) => text(i % 2 ? a! : b!, i % 2 ? b! : a!, `m${i}`)));
        const { id } = (await conversations.findByPair(b!, a!))!;
        const page = async (r: { beforeSeq?: number; afterSeq?: number; limit: number }) => {
          const result = await messages.history(id, a!, r);
          return { seqs: result.items.map((m) => m.seq), hasMore: result.hasMore };
        };
        expect(await page({ limit: 10 })).toEqual({ seqs: range(16, 25), hasMore: true });
        expect(await page({ beforeSeq: 16, limit: 10 })).toEqual({ seqs: range(6, 15), hasMore: true });
        expect(await page({ beforeSeq: 6, limit: 10 })).toEqual({ seqs: range(1, 5), hasMore: false });
        expect(await page({ beforeSeq: 1, limit: 10 })).toEqual({ seqs: [], hasMore: false });
        expect(await page({ afterSeq: 0, limit: 10 })).toEqual({ seqs: range(1, 10), hasMore: true });
        expect(await page({ afterSeq: 20, limit: 10 })).toEqual({ seqs: range(21, 25), hasMore: false });
        expect(await page({ afterSeq: 15, limit: 10 })).toEqual({ seqs: range(16, 25), hasMore: false });
        expect(await page({ afterSeq: 25, limit: 10 })).toEqual({ seqs: [], hasMore: false });
        expect(await page({ afterSeq: 5, beforeSeq: 9, limit: 10 })).toEqual({ seqs: [6, 7, 8], hasMore: false });
        expect(await page({ afterSeq: 5, beforeSeq: 20, limit: 3 })).toEqual({ seqs: [6, 7, 8], hasMore: true });
        expect(await page({ limit: 25 })).toEqual({ seqs: range(1, 25), hasMore: false });
        const { items } = await messages.history(id, a!, { limit: 2 });
        expect(items[1]).toMatchObject({ content: 'm25', senderId: a, receiverId: b, status: 'NORMAL', messageType: 'TEXT' });
      });
    });

    describe('MessageStore.markRead', () => {
      it('moves the read mark forward only, updates unread counts and isRead, and logs for reader and peer', async () => {
        const [a, b] = await newUsers(2);
        await messages.appendBatch([text(a!, b!, '1'), text(a!, b!, '2'), text(b!, a!, '3'), text(a!, b!, '4'), text(a!, b!, '5')]);
        const { id } = (await conversations.findByPair(a!, b!))!;
        expect((await conversations.getSide(id, b!))!.unreadCount).toBe(4);
        expect((await conversations.getSide(id, a!))!.unreadCount).toBe(1);
        const aSeqBefore = await users.latestUserSeq(a!);
        const bSeqBefore = await users.latestUserSeq(b!);

        const first = await messages.markRead(id, b!, 3);
        expect(first).toMatchObject({ readUpToSeq: 3, unreadCount: 2, changed: true, peerId: a });
        expect(first.userSeqs.get(b!)).toBe(bSeqBefore + 1);
        expect(first.userSeqs.get(a!)).toBe(aSeqBefore + 1);
        const history = await messages.history(id, b!, { afterSeq: 0, limit: 10 });
        expect(history.items.map((m) => [m.seq, m.isRead])).toEqual([
          [1, true],
          [2, true],
          [3, false], // b sent it: only what b received becomes read by b
          [4, false],
          [5, false],
        ]);

        const backwards = await messages.markRead(id, b!, 2);
        expect(backwards).toMatchObject({ readUpToSeq: 3, unreadCount: 2, changed: false });
        expect(backwards.userSeqs.size).toBe(0);
        const same = await messages.markRead(id, b!, 3);
        expect(same.changed).toBe(false);

        const all = await messages.markRead(id, b!, null);
        expect(all).toMatchObject({ readUpToSeq: 5, unreadCount: 0, changed: true });
        const bSide = (await conversations.getSide(id, b!))!;
        expect(bSide).toMatchObject({ unreadCount: 0, myReadUpToSeq: 5 });
        expect((await conversations.getSide(id, a!))!).toMatchObject({ peerReadUpToSeq: 5, myReadUpToSeq: 0, unreadCount: 1 });

        // Beyond the last seq is clamped to it.
        const over = await messages.markRead(id, a!, 99);
        expect(over).toMatchObject({ readUpToSeq: 5, unreadCount: 0, changed: true });

        const aReads = (await allEvents(a!)).filter((e) => e.type === 'read').map((e) => e.data);
        expect(aReads).toEqual([
          { conversationId: id, readerId: b, readUpToSeq: 3 },
          { conversationId: id, readerId: b, readUpToSeq: 5 },
          { conversationId: id, readerId: a, readUpToSeq: 5 },
        ]);
        const bEvents = await allEvents(b!);
        expect(bEvents.map((e) => e.userSeq)).toEqual(range(1, bEvents.length));
        expect(bEvents.filter((e) => e.type === 'read').length).toBe(3);
      });

      it('starts unread counting again after new messages arrive', async () => {
        const [a, b] = await newUsers(2);
        await sendOne(a!, b!);
        const { id } = (await conversations.findByPair(a!, b!))!;
        await messages.markRead(id, b!, null);
        await messages.appendBatch([text(a!, b!, 'x'), text(a!, b!, 'y')]);
        expect((await conversations.getSide(id, b!))!.unreadCount).toBe(2);
        expect(await messages.markRead(id, b!, 2)).toMatchObject({ readUpToSeq: 2, unreadCount: 1 });
      });
    });

    describe('MessageStore.recall', () => {
      it('empties a message, keeps id and seq, logs a recall for both sides, and is idempotent', async () => {
        const [a, b] = await newUsers(2);
        const m = await sendOne(a!, b!, 'oops');
        await sendOne(b!, a!, 'later');
        const outcome = await messages.recall(m.id);
        expect(outcome.kind).toBe('recalled');
        if (outcome.kind !== 'recalled') return;
        expect(outcome.message).toMatchObject({ id: m.id, seq: 1, status: 'RECALLED', content: '', extra: null });
        expect(outcome.userSeqs.get(a!)).toBe(3);
        expect(outcome.userSeqs.get(b!)).toBe(3);
        const recall = (await allEvents(b!)).find((e) => e.type === 'recall');
        expect(recall).toEqual({ userSeq: 3, type: 'recall', data: { conversationId: m.conversationId, messageId: m.id, seq: 1 } });
        expect((await historyAll(b!, a!)).map((x) => [x.seq, x.status, x.content])).toEqual([
          [1, 'RECALLED', ''],
          [2, 'NORMAL', 'later'],
        ]);
        expect((await messages.recall(m.id)).kind).toBe('already');
        expect(await users.latestUserSeq(a!)).toBe(3);
        // The recalled message stays recalled in sync too.
        const synced = (await allEvents(b!)).find((e) => e.type === 'message' && e.data.id === m.id);
        expect(synced?.data).toMatchObject({ status: 'RECALLED', content: '' });
      });
    });

    describe('MessageStore exchange', () => {
      const wechat = (userId: number, wechatId: string): ExchangedData => ({ userId, wechatId });

      it('keeps one pending request per pair and kind, whichever side asks', async () => {
        const [a, b] = await newUsers(2);
        const first = await messages.requestExchange(a!, b!, 'WECHAT');
        expect(first.kind).toBe('created');
        expect(first.message).toMatchObject({ messageType: 'EXCHANGE_WECHAT_REQUEST', content: '', extra: { exchangeStatus: 'PENDING' }, senderId: a, seq: 1 });
        const again = await messages.requestExchange(a!, b!, 'WECHAT');
        expect(again).toMatchObject({ kind: 'pending', message: { id: first.message.id } });
        const reverse = await messages.requestExchange(b!, a!, 'WECHAT');
        expect(reverse).toMatchObject({ kind: 'pending', message: { id: first.message.id } });
        const photo = await messages.requestExchange(a!, b!, 'PHOTO');
        expect(photo).toMatchObject({ kind: 'created', message: { messageType: 'EXCHANGE_PHOTO_REQUEST', seq: 2 } });
        expect((await historyAll(a!, b!)).length).toBe(2);
        expect(await users.latestUserSeq(b!)).toBe(2);
      });

      it('answers once; the result comes after the request and shows each side only the other side’s data', async () => {
        const [a, b] = await newUsers(2);
        const request = await messages.requestExchange(a!, b!, 'WECHAT');
        await sendOne(b!, a!, 'in between');
        const revealed = { requester: wechat(a!, 'wx-a'), responder: wechat(b!, 'wx-b') };
        const answer = await messages.respondExchange({ requestId: request.message.id, responderId: b!, accept: true, reveal: () => revealed });
        expect(answer.kind).toBe('answered');
        if (answer.kind !== 'answered') return;
        expect(answer.request).toMatchObject({ id: request.message.id, extra: { exchangeStatus: 'ACCEPTED' } });
        expect(answer.result).toMatchObject({ messageType: 'EXCHANGE_WECHAT_RESULT', senderId: b, receiverId: a, seq: 3, content: '' });
        expect(answer.result.extra).toEqual({ requestId: request.message.id, accepted: true, exchangedData: { userId: a, wechatId: 'wx-a' } });
        expect(answer).toMatchObject({ requesterId: a, exchangeKind: 'WECHAT' });
        const forRequester = await messages.getById(answer.result.id, a!);
        expect(forRequester!.extra).toEqual({ requestId: request.message.id, accepted: true, exchangedData: { userId: b, wechatId: 'wx-b' } });
        // Nobody ever sees both sides' data or the stored `revealed` map.
        for (const viewer of [a!, b!]) {
          const items = (await messages.history(answer.result.conversationId, viewer, { limit: 10 })).items;
          expect(JSON.stringify(items)).not.toContain('revealed');
          const own = viewer === a ? 'wx-a' : 'wx-b';
          expect(JSON.stringify(items)).not.toContain(own);
        }
        // Log: result message then the exchange answer, for both users, gap-free.
        const aEvents = await allEvents(a!);
        expect(aEvents.map((e) => e.userSeq)).toEqual(range(1, aEvents.length));
        const aAnswer = aEvents.find((e) => e.type === 'exchange');
        expect(aAnswer?.data).toEqual({ messageId: request.message.id, requesterId: a, responderId: b, kind: 'WECHAT', accepted: true, exchangedData: { userId: b, wechatId: 'wx-b' } });
        const bAnswer = (await allEvents(b!)).find((e) => e.type === 'exchange');
        expect(bAnswer?.data).toMatchObject({ exchangedData: { userId: a, wechatId: 'wx-a' } });
        expect(answer.resultUserSeqs.get(a!)! + 1).toBe(answer.userSeqs.get(a!));
        expect(aAnswer?.userSeq).toBe(answer.userSeqs.get(a!));

        expect((await messages.respondExchange({ requestId: request.message.id, responderId: b!, accept: false, reveal: null })).kind).toBe('not-pending');
        // Once answered, a new request can be made.
        expect((await messages.requestExchange(a!, b!, 'WECHAT')).kind).toBe('created');
      });

      it('stores a refusal without revealing anything', async () => {
        const [a, b] = await newUsers(2);
        const request = await messages.requestExchange(a!, b!, 'PHOTO');
        const answer = await messages.respondExchange({ requestId: request.message.id, responderId: b!, accept: false, reveal: null });
        if (answer.kind !== 'answered') throw new Error('not answered');
        expect(answer.request.extra).toEqual({ exchangeStatus: 'REJECTED' });
        expect(answer.result.extra).toEqual({ requestId: request.message.id, accepted: false });
        const aAnswer = (await allEvents(a!)).find((e) => e.type === 'exchange');
        expect(aAnswer?.data).toMatchObject({ accepted: false, exchangedData: null, kind: 'PHOTO' });
      });

      it('answers not-pending for messages that are not pending requests', async () => {
        const [a, b] = await newUsers(2);
        const m = await sendOne(a!, b!);
        expect((await messages.respondExchange({ requestId: m.id, responderId: b!, accept: true, reveal: null })).kind).toBe('not-pending');
        expect((await messages.respondExchange({ requestId: 888_888_888, responderId: b!, accept: true, reveal: null })).kind).toBe('not-pending');
      });

      it('decides what to reveal from the profiles at commit, and stores nothing when that decision refuses', async () => {
        const [a, b] = await newUsers(2);
        await users.upsert(a!, { wechatId: 'wx-a' });
        await users.upsert(b!, { wechatId: 'wx-b' });
        const request = await messages.requestExchange(a!, b!, 'WECHAT');
        await users.upsert(a!, { wechatId: null });
        const seen: (string | null | undefined)[] = [];
        const refusal = messages.respondExchange({
          requestId: request.message.id,
          responderId: b!,
          accept: true,
          reveal: (requester, responder) => {
            seen.push(requester?.wechatId, responder?.wechatId);
            throw new Error('requester has no WeChat id');
          },
        });
        await expect(refusal).rejects.toThrow('requester has no WeChat id');
        expect(seen).toEqual([null, 'wx-b']);
        expect((await messages.getById(request.message.id, b!))!.extra).toEqual({ exchangeStatus: 'PENDING' });
        expect((await historyAll(a!, b!)).length).toBe(1);
        expect((await allEvents(b!)).filter((e) => e.type === 'exchange')).toEqual([]);
      });

      it('lets only one of two concurrent answers through', async () => {
        const [a, b] = await newUsers(2);
        const request = await messages.requestExchange(a!, b!, 'WECHAT');
        const answers = await Promise.all(
          [true, false].map((accept) =>
            messages.respondExchange({ requestId: request.message.id, responderId: b!, accept, reveal: accept ? () => ({ requester: wechat(a!, 'x'), responder: wechat(b!, 'y') }) : null }),
          ),
        );
        expect(answers.map((x) => x.kind).sort()).toEqual(['answered', 'not-pending']);
        expect((await historyAll(a!, b!)).length).toBe(2);
      });
    });

    describe('ConversationStore', () => {
      it('has one conversation per unordered pair and answers sides only to members', async () => {
        const [a, b, c] = await newUsers(3);
        expect(await conversations.findByPair(a!, b!)).toBeNull();
        const m = await sendOne(a!, b!);
        await sendOne(b!, a!);
        expect(await conversations.findByPair(a!, b!)).toEqual({ id: m.conversationId });
        expect(await conversations.findByPair(b!, a!)).toEqual({ id: m.conversationId });
        expect(await conversations.exists(m.conversationId)).toBe(true);
        expect(await conversations.exists(777_777_777)).toBe(false);
        expect(await conversations.participants(m.conversationId)).toEqual([a, b]);
        expect(await conversations.participants(777_777_777)).toBeNull();
        expect(await conversations.getSide(m.conversationId, c!)).toBeNull();
        expect(await conversations.getSide(m.conversationId, a!)).toMatchObject({ id: m.conversationId, userId: a, peerId: b, lastSeq: 2, unreadCount: 1 });
        await sendOne(c!, a!);
        const peerIds = async (userId: number, candidates?: number[]) =>
          (await conversations.peerRelations(userId, { ...(candidates ? { candidates } : {}), withWriting: false })).map((r) => r.peerId).sort();
        expect(await peerIds(a!)).toEqual([b, c].sort());
        expect(await peerIds(b!)).toEqual([a]);
        expect(await peerIds(b!, [a!, c!, 5])).toEqual([a]);
        expect(await peerIds(b!, [])).toEqual([]);
      });

      it('tells, per peer, whether either side blocked the other and whether both wrote', async () => {
        const [me, talker, stranger, blocker, blocked] = await newUsers(5);
        await sendOne(me!, talker!);
        await sendOne(talker!, me!);
        await sendOne(stranger!, me!);
        await sendOne(blocker!, me!);
        await sendOne(me!, blocker!);
        await sendOne(me!, blocked!);
        await blocks.block(blocker!, me!);
        await blocks.block(me!, blocked!);
        const byPeer = async (userId: number, withWriting: boolean) =>
          Object.fromEntries((await conversations.peerRelations(userId, { withWriting })).map((r) => [r.peerId, { blocked: r.blocked, bothWrote: r.bothWrote }]));
        expect(await byPeer(me!, true)).toEqual({
          [talker!]: { blocked: false, bothWrote: true },
          [stranger!]: { blocked: false, bothWrote: false },
          [blocker!]: { blocked: true, bothWrote: true },
          [blocked!]: { blocked: true, bothWrote: false },
        });
        expect(await byPeer(blocker!, true)).toEqual({ [me!]: { blocked: true, bothWrote: true } });
        expect((await byPeer(me!, false))[talker!]).toEqual({ blocked: false, bothWrote: false });
      });

      it('lists conversations newest activity first with a stable cursor', async () => {
        const [me, ...peers] = await newUsers(6);
        for (const peer of peers) await sendOne(peer, me!, `from ${peer}`);
        await sendOne(me!, peers[1]!, 'bump');
        const expected = [peers[1], peers[4], peers[3], peers[2], peers[0]];

        const all = await conversations.listSides(me!, null, 10);
        expect(all.map((s) => s.peerId)).toEqual(expected);
        expect(all[0]).toMatchObject({ lastSeq: 2, unreadCount: 1, lastMessage: { content: 'bump', senderId: me } });
        expect(all[1]).toMatchObject({ lastSeq: 1, unreadCount: 1, lastMessage: { content: `from ${peers[4]}` } });
        expect(all[0]!.lastMessageAt).toBeInstanceOf(Date);

        const seen: number[] = [];
        let cursor: { activityUs: number; id: number } | null = null;
        for (;;) {
          const page = await conversations.listSides(me!, cursor, 2);
          seen.push(...page.map((s) => s.peerId));
          if (page.length < 2) break;
          const last = page[page.length - 1]!;
          cursor = { activityUs: last.activityUs, id: last.id };
        }
        expect(seen).toEqual(expected);
        // A read mark is not activity: order stays.
        await messages.markRead(all[4]!.id, me!, null);
        expect((await conversations.listSides(me!, null, 10)).map((s) => s.peerId)).toEqual(expected);
      });
    });

    describe('UpdateLog.since', () => {
      it('returns what came after `since`, ascending, with hasMore and the latest userSeq', async () => {
        const [a, b] = await newUsers(2);
        for (let i = 1; i <= 5; i++) await sendOne(i % 2 ? a! : b!, i % 2 ? b! : a!, `s${i}`);
        const { id } = (await conversations.findByPair(a!, b!))!;
        await messages.markRead(id, a!, null);
        const page = await updates.since(a!, 3, 2);
        expect(page.userSeq).toBe(6);
        expect(page.hasMore).toBe(true);
        expect(page.events.map((e) => [e.userSeq, e.type])).toEqual([
          [4, 'message'],
          [5, 'message'],
        ]);
        expect(page.events[0]!.data).toMatchObject({ content: 's4', seq: 4, senderId: b, receiverId: a });
        const rest = await updates.since(a!, 5, 100);
        expect(rest).toEqual({ events: [{ userSeq: 6, type: 'read', data: { conversationId: id, readerId: a, readUpToSeq: 5 } }], userSeq: 6, hasMore: false });
        expect(await updates.since(a!, 6, 100)).toEqual({ events: [], userSeq: 6, hasMore: false });
        expect(await updates.since(555_555_555, 0, 100)).toEqual({ events: [], userSeq: 0, hasMore: false });
      });

      it('never reports a position beyond the events it returned on a complete page', async () => {
        const [a, b] = await newUsers(2);
        await sendOne(a!, b!, 'one');
        await sendOne(b!, a!, 'two');
        // As if a change committed between reading the log and reading the user's position.
        await db.query('UPDATE users SET last_user_seq = last_user_seq + 1 WHERE id = $1', [a]);
        const page = await updates.since(a!, 0, 100);
        expect(page.events.map((e) => e.userSeq)).toEqual([1, 2]);
        expect(page).toMatchObject({ userSeq: 2, hasMore: false });
        expect(await updates.since(a!, 2, 100)).toEqual({ events: [], userSeq: 2, hasMore: false });
      });
    });

    describe('UserStore', () => {
      it('upserts with patch semantics and keeps private fields', async () => {
        const [id] = [nextUserId++];
        const created = await users.upsert(id!, { name: 'Alice' });
        expect(created).toMatchObject({ id, name: 'Alice', avatarUrl: null, wechatId: null, photoUrls: [], lastSeenAt: null });
        await users.upsert(id!, { wechatId: 'wx', photoUrls: ['/media/a.png'] });
        expect(await users.get(id!)).toMatchObject({ name: 'Alice', wechatId: 'wx', photoUrls: ['/media/a.png'] });
        await users.upsert(id!, { name: null });
        expect(await users.get(id!)).toMatchObject({ name: null, wechatId: 'wx' });
        const at = new Date('2026-01-02T03:04:05.678Z');
        await users.setLastSeen(id!, at);
        expect((await users.get(id!))!.lastSeenAt).toEqual(at);
        expect(await users.get(id! + 1_000_000)).toBeNull();
        const many = await users.getMany([id!, id! + 1_000_000]);
        expect([...many.keys()]).toEqual([id]);
        expect((await users.getMany([])).size).toBe(0);
      });
    });

    describe('BlockStore', () => {
      it('blocks and unblocks idempotently, one direction only', async () => {
        const [a, b, c] = await newUsers(3);
        await blocks.block(a!, b!);
        await blocks.block(a!, b!);
        await blocks.block(a!, c!);
        expect(await blocks.isBlocked(a!, b!)).toBe(true);
        expect(await blocks.isBlocked(b!, a!)).toBe(false);
        expect((await blocks.list(a!)).map((x) => x.userId).sort()).toEqual([b, c].sort());
        expect((await blocks.list(a!))[0]!.createdAt).toBeInstanceOf(Date);
        await blocks.unblock(a!, b!);
        await blocks.unblock(a!, b!);
        expect(await blocks.isBlocked(a!, b!)).toBe(false);
        expect((await blocks.list(a!)).map((x) => x.userId)).toEqual([c]);
        expect(await blocks.list(b!)).toEqual([]);
      });
    });

    describe('MediaStore', () => {
      it('saves metadata and bytes, and reads them back by key', async () => {
        const [owner] = await newUsers(1);
        const record = await media.save(
          { key: 'abcdefgh12345678.png', ownerId: owner!, kind: 'image', mime: 'image/png', size: 3, width: 2, height: 1, thumbnailKey: 'abcdefgh12345678_thumb.jpg' },
          Buffer.from([1, 2, 3]),
          Buffer.from([9]),
        );
        expect(record).toMatchObject({ key: 'abcdefgh12345678.png', ownerId: owner, kind: 'image', size: 3, width: 2, height: 1 });
        expect(await media.get('abcdefgh12345678.png')).toMatchObject({ ownerId: owner, mime: 'image/png', thumbnailKey: 'abcdefgh12345678_thumb.jpg' });
        expect(await media.read('abcdefgh12345678.png')).toEqual(Buffer.from([1, 2, 3]));
        expect(await media.read('abcdefgh12345678_thumb.jpg')).toEqual(Buffer.from([9]));
        expect(await media.get('missing-key-0000.png')).toBeNull();
        expect(await media.read('missing-key-0000.png')).toBeNull();
      });
    });
  });
}
