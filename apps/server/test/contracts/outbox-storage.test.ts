/**
 * The durable outbox's storage behaviour, on embedded PGlite and on a real PostgreSQL server:
 * notifications and events are written with the change, coalesced per (receiver, conversation),
 * taken by exactly one worker, taken again when a worker's lease ran out, and events leave in
 * order per conversation. Each test uses its own fresh database.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { NewMessage } from '../../src/ports/message-store.js';
import { OutboxEventWriter } from '../../src/storage/outbox-events.js';
import { appendOutboxEvents } from '../../src/storage/outbox-events.js';
import { PostgresMessageEditStore } from '../../src/storage/postgres-message-edit-store.js';
import { PostgresMessageStore } from '../../src/storage/postgres-message-store.js';
import { PostgresOutboxStore } from '../../src/storage/postgres-outbox-store.js';
import type { SendOutboxSettings } from '../../src/storage/send-outbox.js';
import type { SqlClient } from '../../src/storage/sql-client.js';
import { OUTBOX_EVENT_NAMES } from '../../src/domain/outbox-events.js';
import { SQL_BACKENDS } from '../support/sql-backends.js';


const ALL_EVENTS = new OutboxEventWriter(new Set(OUTBOX_EVENT_NAMES));
const outboxOn = (coalesceMs: number): SendOutboxSettings => ({ notifications: true, coalesceMs, events: ALL_EVENTS });

const text = (senderId: number, receiverId: number, content: string, notifyReceiver = true): NewMessage => ({
  senderId,
  receiverId,
  messageType: 'TEXT',
  content,
  extra: null,
  clientMsgId: null,
  notifyReceiver,
});

const keepAll = (n: { id: number; receiverId: number; unreadCount: number }) => ({ payload: { id: `n_${n.id}`, userId: n.receiverId, count: n.unreadCount } });

for (const backend of SQL_BACKENDS) {
  describe.skipIf(!backend.available)(`outbox storage on ${backend.name}`, () => {
    let opened: { db: SqlClient; dispose(): Promise<void> } | null = null;
    const open = async () => {
      opened = await backend.open();
      await opened.db.query('INSERT INTO users (id, name) SELECT g, $1 || g FROM generate_series(1, 20) g', ['user ']);
      return opened.db;
    };
    afterEach(async () => {
      await opened?.dispose();
      opened = null;
    });

    it('writes one notification per receiver and conversation with the batch, coalesces later ones, and skips muted conversations and online receivers', async () => {
      const db = await open();
      const messages = new PostgresMessageStore(db, undefined, outboxOn(60_000));
      await messages.appendBatch([text(1, 2, 'a'), text(1, 2, 'b'), text(3, 2, 'c'), text(1, 4, 'online', false)]);
      await messages.appendBatch([text(1, 2, 'd')]);
      // One row per pair, from its first notifiable message; later ones write nothing.
      const rows = await db.query<{ user_id: number; sender_id: number; first_seq: number }>('SELECT user_id, sender_id, first_seq FROM notifications ORDER BY sender_id');
      expect(rows.map((r) => [Number(r.user_id), Number(r.sender_id), Number(r.first_seq)])).toEqual([
        [2, 1, 1],
        [2, 3, 1],
      ]);
      const listed = (await new PostgresOutboxStore(db).listNotifications(null, 10)).map((n) => [n.senderId, n.count]);
      expect(listed.sort((a, b) => a[0]! - b[0]!)).toEqual([
        [1, 3],
        [3, 1],
      ]);

      await db.query('UPDATE conversation_members SET muted = true WHERE user_id = 2');
      await db.query('DELETE FROM notifications');
      await messages.appendBatch([text(3, 2, 'muted')]);
      expect(await db.query('SELECT 1 FROM notifications')).toHaveLength(0);
    });

    it('records message.created, conversation.read, message.recalled and exchange.answered in the order they happened', async () => {
      const db = await open();
      const messages = new PostgresMessageStore(db, undefined, outboxOn(0));
      const [stored] = await messages.appendBatch([text(5, 6, 'hello')]);
      if (stored?.kind !== 'stored') throw new Error('not stored');
      await messages.markRead(stored.message.conversationId, 6, null);
      await messages.recall(stored.message.id);
      const request = await messages.requestExchange(5, 6, 'WECHAT');
      if (request.kind !== 'created') throw new Error('no request');
      await messages.respondExchange({ requestId: request.message.id, responderId: 6, accept: false, reveal: null });
      const events = await db.query<{ event: string; conversation_id: number; data: Record<string, any> }>('SELECT event, conversation_id, data FROM outbox_events ORDER BY id');
      expect(events.map((e) => e.event)).toEqual(['message.created', 'conversation.read', 'message.recalled', 'message.created', 'message.created', 'exchange.answered']);
      expect(events[0]!.data.message).toMatchObject({ id: stored.message.id, content: 'hello', senderId: 5, receiverId: 6, createdAt: stored.message.createdAt });
      expect(events[1]!.data).toEqual({ conversationId: stored.message.conversationId, readerId: 6, readUpToSeq: 1 });
      expect(events[5]!.data).toMatchObject({ requestId: request.message.id, requesterId: 5, responderId: 6, accepted: false });
      expect(new Set(events.map((e) => Number(e.conversation_id)))).toEqual(new Set([stored.message.conversationId]));
    });

    it('records message.edited with the edited message, after the message it edits', async () => {
      const db = await open();
      const [stored] = await new PostgresMessageStore(db, undefined, outboxOn(0)).appendBatch([text(7, 8, 'typo')]);
      if (stored?.kind !== 'stored') throw new Error('not stored');
      await new PostgresMessageEditStore(db, ALL_EVENTS).editText({ messageId: stored.message.id, content: 'fixed', extra: null });
      const events = await db.query<{ event: string; data: Record<string, any> }>('SELECT event, data FROM outbox_events ORDER BY id');
      expect(events.map((e) => e.event)).toEqual(['message.created', 'message.edited']);
      expect(events[1]!.data.message).toMatchObject({ id: stored.message.id, content: 'fixed', editedAt: expect.any(String) });
    });

    it('sends message.created with the message as it was created, even after an edit, a recall or a recalled quote', async () => {
      const db = await open();
      const messages = new PostgresMessageStore(db, undefined, outboxOn(0));
      const stored = await messages.appendBatch([text(9, 10, 'first'), text(9, 10, 'second'), text(9, 10, 'third')]);
      const [first, second, third] = stored.map((s) => {
        if (s.kind !== 'stored') throw new Error('not stored');
        return s.message;
      });
      const [reply] = await messages.appendBatch([{ ...text(10, 9, 'answer'), extra: { replyTo: { id: third!.id, seq: third!.seq, senderId: 9, messageType: 'TEXT', preview: 'third' } } }]);
      if (reply?.kind !== 'stored') throw new Error('not stored');
      // The send path stores the message id alone; the data is built when the event is taken.
      expect((await db.query<{ data: unknown }>('SELECT data FROM outbox_events ORDER BY id')).every((e) => e.data === null)).toBe(true);
      await new PostgresMessageEditStore(db, ALL_EVENTS).editText({ messageId: second!.id, content: 'second, edited', extra: null });
      await messages.recall(third!.id);
      // One conversation: its events leave one at a time, each after the previous one finished.
      const outbox = new PostgresOutboxStore(db);
      const taken = [];
      for (let batch = await outbox.claimEvents(10, 60_000); batch.length > 0; batch = await outbox.claimEvents(10, 60_000)) {
        taken.push(...batch);
        await outbox.finishEvents(batch.map((e) => ({ id: e.id, result: { status: 'SENT' as const } })));
      }
      expect(taken.map((e) => e.event)).toEqual(['message.created', 'message.created', 'message.created', 'message.created', 'message.edited', 'message.recalled']);
      const created = taken.filter((e) => e.event === 'message.created').map((e) => (e.data as { message: Record<string, unknown> }).message);
      expect(created.map((m) => m.content)).toEqual(['first', 'second', 'third', 'answer']);
      expect(created[0]).toEqual({
        id: first!.id,
        conversationId: first!.conversationId,
        seq: first!.seq,
        senderId: 9,
        receiverId: 10,
        messageType: 'TEXT',
        content: 'first',
        extra: null,
        clientMsgId: null,
        createdAt: first!.createdAt,
      });
      expect(created[1]).not.toHaveProperty('editedAt');
      expect(created[3]!.extra).toMatchObject({ replyTo: { id: third!.id, preview: 'third' } });
    });

    it('writes nothing when the outbox is off, and only the events a deployment asked for', async () => {
      const db = await open();
      await new PostgresMessageStore(db).appendBatch([text(1, 2, 'quiet')]);
      const onlyReads = new PostgresMessageStore(db, undefined, { notifications: false, coalesceMs: 0, events: new OutboxEventWriter(new Set(['conversation.read'])) });
      const [stored] = await onlyReads.appendBatch([text(1, 2, 'still quiet')]);
      if (stored?.kind !== 'stored') throw new Error('not stored');
      await onlyReads.markRead(stored.message.conversationId, 2, null);
      expect(await db.query('SELECT 1 FROM notifications')).toHaveLength(0);
      expect((await db.query<{ event: string }>('SELECT event FROM outbox_events')).map((e) => e.event)).toEqual(['conversation.read']);
    });

    it('closes a notification only once its coalescing window passed, with its messages as they are then', async () => {
      const db = await open();
      const outbox = new PostgresOutboxStore(db);
      await new PostgresMessageStore(db, undefined, outboxOn(60_000)).appendBatch([text(1, 2, 'later')]);
      expect(await outbox.closeDueNotifications(10, ['webhook'], keepAll)).toBe(0);

      const now = new PostgresMessageStore(db, undefined, outboxOn(0));
      const outcomes = await now.appendBatch([text(3, 2, 'first'), text(3, 2, 'second'), text(4, 2, 'gone')]);
      const ids = outcomes.map((o) => (o.kind === 'stored' ? o.message.id : 0));
      await now.recall(ids[2]!);
      const seen: { senderId: number; remaining: number; unread: number; latest: string | null; unreadTotal: number; senderName: string | null }[] = [];
      const closed = await outbox.closeDueNotifications(10, ['webhook', 'wechat'], (n) => {
        seen.push({ senderId: n.senderId, remaining: n.remainingCount, unread: n.unreadCount, latest: n.latestUnread?.content ?? null, unreadTotal: n.unreadTotal, senderName: n.senderName });
        return n.remainingCount === 0 ? { drop: 'recalled' } : keepAll(n);
      });
      expect(closed).toBe(2);
      expect(seen.sort((a, b) => a.senderId - b.senderId)).toEqual([
        { senderId: 3, remaining: 2, unread: 2, latest: 'second', unreadTotal: 4, senderName: 'user 3' },
        { senderId: 4, remaining: 0, unread: 0, latest: null, unreadTotal: 4, senderName: 'user 4' },
      ]);
      const rows = await db.query<{ sender_id: number; status: string; drop_reason: string | null; channels: string[] | null }>(
        `SELECT n.sender_id, n.status, n.drop_reason, (SELECT array_agg(channel ORDER BY channel) FROM notification_deliveries d WHERE d.notification_id = n.id) AS channels
         FROM notifications n WHERE NOT n.collecting ORDER BY n.sender_id`,
      );
      expect(rows.map((r) => [Number(r.sender_id), r.status, r.drop_reason, r.channels])).toEqual([
        [3, 'PENDING', null, ['webhook', 'wechat']],
        [4, 'DROPPED', 'recalled', null],
      ]);
      // A message after the close starts a new notification instead of joining the closed one.
      await now.appendBatch([text(3, 2, 'third')]);
      expect(await db.query('SELECT 1 FROM notifications WHERE collecting AND sender_id = 3')).toHaveLength(1);
    });

    it('lets exactly one of several concurrent workers take each delivery', async () => {
      const db = await open();
      const messages = new PostgresMessageStore(db, undefined, outboxOn(0));
      await messages.appendBatch(Array.from({ length: 15 }, (_, i) => text(i + 2, 1, `to 1 from ${i + 2}`)));
      const outbox = new PostgresOutboxStore(db);
      await outbox.closeDueNotifications(100, ['webhook'], keepAll);
      const claims = await Promise.all(Array.from({ length: 4 }, () => outbox.claimDeliveries(5, ['webhook'], 60_000)));
      const taken = claims.flat().map((c) => c.notificationId);
      expect(taken).toHaveLength(15);
      expect(new Set(taken).size).toBe(15);
      expect(await outbox.claimDeliveries(100, ['webhook'], 60_000)).toEqual([]);
    });

    it('takes a delivery again when the worker holding it stopped before finishing (its lease ran out)', async () => {
      const db = await open();
      await new PostgresMessageStore(db, undefined, outboxOn(0)).appendBatch([text(1, 2, 'crash')]);
      const outbox = new PostgresOutboxStore(db);
      await outbox.closeDueNotifications(10, ['webhook'], keepAll);
      const [first] = await outbox.claimDeliveries(10, ['webhook'], 100);
      expect(first?.attempts).toBe(1);
      expect(await outbox.claimDeliveries(10, ['webhook'], 100)).toEqual([]);
      await db.query("UPDATE notification_deliveries SET lease_until = now() - interval '1 second'");
      const [again] = await outbox.claimDeliveries(10, ['webhook'], 60_000);
      expect(again).toMatchObject({ notificationId: first!.notificationId, channel: 'webhook', attempts: 2, payload: first!.payload });
    });

    it('retries, finishes and settles a notification once none of its channels is pending', async () => {
      const db = await open();
      await new PostgresMessageStore(db, undefined, outboxOn(0)).appendBatch([text(1, 2, 'x'), text(1, 3, 'y')]);
      const outbox = new PostgresOutboxStore(db);
      await outbox.closeDueNotifications(10, ['webhook', 'webpush'], keepAll);
      const claimed = await outbox.claimDeliveries(10, ['webhook', 'webpush'], 60_000);
      expect(claimed).toHaveLength(4);
      const byUser = (userId: number) => claimed.filter((c) => c.payload.userId === userId);
      await outbox.finishDeliveries([
        ...byUser(2).map((c) => ({ notificationId: c.notificationId, channel: c.channel, result: c.channel === 'webhook' ? ({ status: 'SENT' } as const) : ({ status: 'RETRY', inMs: 60_000, error: 'HTTP 503' } as const) })),
        ...byUser(3).map((c) => ({ notificationId: c.notificationId, channel: c.channel, result: c.channel === 'webhook' ? ({ status: 'FAILED', error: 'HTTP 400' } as const) : ({ status: 'SKIPPED', error: 'not registered' } as const) })),
      ]);
      expect(await outbox.claimDeliveries(10, ['webhook', 'webpush'], 60_000)).toEqual([]);
      const pending = await outbox.listNotifications('PENDING', 10);
      expect(pending.map((n) => n.userId)).toEqual([2]);
      expect(pending[0]!.deliveries.find((d) => d.channel === 'webpush')).toMatchObject({ status: 'PENDING', attempts: 1, lastError: 'HTTP 503' });
      expect((await outbox.listNotifications('FAILED', 10)).map((n) => n.userId)).toEqual([3]);
      expect(await outbox.backlog()).toEqual({ notifications: 1, events: 2 });

      await db.query("UPDATE notification_deliveries SET next_attempt_at = now() WHERE status = 'PENDING'");
      const [retry] = await outbox.claimDeliveries(10, ['webhook', 'webpush'], 60_000);
      await outbox.finishDeliveries([{ notificationId: retry!.notificationId, channel: retry!.channel, result: { status: 'SENT' } }]);
      expect((await outbox.listNotifications('SENT', 10)).map((n) => [n.userId, n.count])).toEqual([[2, 1]]);

      await db.query("UPDATE notifications SET updated_at = now() - interval '2 days'");
      expect(await outbox.purgeFinished(86_400_000)).toBe(2);
      expect(await outbox.listNotifications(null, 10)).toEqual([]);
    });

    it('sends a later event of a conversation only after the earlier one is delivered or given up', async () => {
      const db = await open();
      await db.transaction((tx) =>
        appendOutboxEvents(tx, [
          { event: 'message.created', conversationId: 1, data: { n: 1 } },
          { event: 'message.created', conversationId: 2, data: { n: 2 } },
          { event: 'conversation.read', conversationId: 1, data: { n: 3 } },
          { event: 'user.restricted', conversationId: null, data: { n: 4 } },
          { event: 'message.recalled', conversationId: 1, data: { n: 5 } },
        ]),
      );
      const outbox = new PostgresOutboxStore(db);
      const order = (events: { data: unknown }[]) => events.map((e) => (e.data as { n: number }).n);
      const first = await outbox.claimEvents(10, 60_000);
      expect(order(first)).toEqual([1, 2, 4]);
      // A retry keeps the next event of its conversation waiting.
      await outbox.finishEvents(first.map((e) => ({ id: e.id, result: e.conversationId === 1 ? { status: 'RETRY', inMs: 0, error: 'HTTP 500' } : { status: 'SENT' } })));
      const second = await outbox.claimEvents(10, 60_000);
      expect(order(second)).toEqual([1]);
      expect(second[0]!.attempts).toBe(2);
      await outbox.finishEvents([{ id: second[0]!.id, result: { status: 'FAILED', error: 'HTTP 400' } }]);
      const third = await outbox.claimEvents(10, 60_000);
      expect(order(third)).toEqual([3]);
      await outbox.finishEvents([{ id: third[0]!.id, result: { status: 'SENT' } }]);
      expect(order(await outbox.claimEvents(10, 60_000))).toEqual([5]);
    });

    it('hands each event to exactly one of several concurrent workers', async () => {
      const db = await open();
      await db.transaction((tx) =>
        appendOutboxEvents(
          tx,
          Array.from({ length: 12 }, (_, i) => ({ event: 'message.created' as const, conversationId: i + 1, data: { i } })),
        ),
      );
      const outbox = new PostgresOutboxStore(db);
      const claims = await Promise.all(Array.from({ length: 4 }, () => outbox.claimEvents(4, 60_000)));
      const ids = claims.flat().map((e) => e.id);
      expect(ids).toHaveLength(12);
      expect(new Set(ids).size).toBe(12);
    });
  });
}
