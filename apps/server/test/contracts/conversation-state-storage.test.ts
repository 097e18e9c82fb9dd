/**
 * Behaviour of each user's own view of their conversations — delete for me, pin / mute / archive,
 * clear, the unread total, the list's order and views, unmatched conversations — on embedded
 * PGlite and on a real PostgreSQL server (a fresh database each, dropped afterwards). Tests
 * isolate by user ids.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Message } from '@parley/protocol';
import type { ConversationCursor } from '../../src/ports/conversation-store.js';
import type { NewMessage } from '../../src/ports/message-store.js';
import { PostgresConversationStateStore } from '../../src/storage/postgres-conversation-state-store.js';
import { PostgresConversationStore } from '../../src/storage/postgres-conversation-store.js';
import { PostgresMessageStore } from '../../src/storage/postgres-message-store.js';
import { PostgresUpdateLog } from '../../src/storage/postgres-update-log.js';
import { PostgresUserStore } from '../../src/storage/postgres-user-store.js';
import type { SqlClient } from '../../src/storage/sql-client.js';
import { SQL_BACKENDS } from '../support/sql-backends.js';


const text = (senderId: number, receiverId: number, content: string): NewMessage => ({ senderId, receiverId, messageType: 'TEXT', content, extra: null, clientMsgId: null });

for (const backend of SQL_BACKENDS) {
  describe.skipIf(!backend.available)(`conversation state on ${backend.name}`, () => {
    let db: SqlClient;
    let dispose: () => Promise<void>;
    let users: PostgresUserStore;
    let conversations: PostgresConversationStore;
    let messages: PostgresMessageStore;
    let updates: PostgresUpdateLog;
    let state: PostgresConversationStateStore;
    let nextUserId = 5000;

    async function newUsers(count: number): Promise<number[]> {
      const ids = Array.from({ length: count }, (_, i) => nextUserId + i);
      nextUserId += count + 10;
      for (const id of ids) await users.upsert(id, {});
      return ids;
    }

    async function send(senderId: number, receiverId: number, content = 'hi'): Promise<Message> {
      const [outcome] = await messages.appendBatch([text(senderId, receiverId, content)]);
      if (outcome?.kind !== 'stored') throw new Error(`not stored: ${JSON.stringify(outcome)}`);
      return outcome.message;
    }

    const events = async (userId: number) => (await updates.since(userId, 0, 1000)).events;
    const history = async (conversationId: number, viewerId: number) =>
      (await messages.history(conversationId, viewerId, { afterSeq: 0, limit: 100 })).items.map((m) => m.content);
    const latest = async (conversationId: number, viewerId: number) =>
      (await messages.history(conversationId, viewerId, { limit: 100 })).items.map((m) => m.content);
    const listed = async (userId: number, archived = false) => (await conversations.listSides(userId, null, 100, { archived })).map((s) => s.peerId);

    beforeAll(async () => {
      ({ db, dispose } = await backend.open());
      users = new PostgresUserStore(db);
      conversations = new PostgresConversationStore(db);
      messages = new PostgresMessageStore(db);
      updates = new PostgresUpdateLog(db);
      state = new PostgresConversationStateStore(db);
    });

    afterAll(async () => {
      await dispose?.();
    });

    describe('hide (delete for me)', () => {
      it('hides one message for the hider only, logs it once in their log only, and moves their last message back', async () => {
        const [a, b] = await newUsers(2);
        const first = await send(a!, b!, 'one');
        const second = await send(b!, a!, 'two');
        const peerEventsBefore = (await events(b!)).length;

        const hidden = await state.hide(a!, second.id);
        expect(hidden).toMatchObject({ kind: 'done', notice: { conversationId: second.conversationId, messageId: second.id, seq: 2 } });
        const userSeq = hidden.kind === 'done' ? hidden.userSeq : null;
        expect(userSeq).toBe(3);
        expect(await history(first.conversationId, a!)).toEqual(['one']);
        expect(await latest(first.conversationId, a!)).toEqual(['one']);
        expect(await history(first.conversationId, b!)).toEqual(['one', 'two']);
        expect((await conversations.getSide(first.conversationId, a!))!.lastMessage).toMatchObject({ id: first.id });
        expect((await conversations.getSide(first.conversationId, b!))!.lastMessage).toMatchObject({ id: second.id });
        expect(await state.isVisible(a!, second.id)).toBe(false);
        expect(await state.isVisible(b!, second.id)).toBe(true);

        // Again: nothing changes, nothing is logged.
        expect(await state.hide(a!, second.id)).toMatchObject({ kind: 'done', userSeq: null });
        const mine = await events(a!);
        expect(mine.filter((e) => e.type === 'hide')).toEqual([{ userSeq: 3, type: 'hide', data: { conversationId: second.conversationId, messageId: second.id, seq: 2 } }]);
        expect((await events(b!)).length).toBe(peerEventsBefore);
      });

      it('finds only messages of the hider’s own conversations', async () => {
        const [a, b, stranger] = await newUsers(3);
        const message = await send(a!, b!);
        expect(await state.hide(stranger!, message.id)).toEqual({ kind: 'not-found' });
        expect(await state.hide(a!, 987_654_321)).toEqual({ kind: 'not-found' });
      });

      it('leaves a conversation whose messages are all hidden in the list, without a last message', async () => {
        const [a, b] = await newUsers(2);
        const only = await send(b!, a!, 'only');
        await state.hide(a!, only.id);
        const [side] = await conversations.listSides(a!, null, 10);
        expect(side).toMatchObject({ peerId: b, lastMessage: null, lastMessageAt: null, lastSeq: 1 });
      });
    });

    describe('settings', () => {
      it('pins, mutes and archives for one member only, logging the whole settings once per change', async () => {
        const [a, b] = await newUsers(2);
        const { conversationId } = await send(a!, b!);
        const changed = await state.updateSettings(a!, conversationId, { pinned: true, muted: true });
        expect(changed).toEqual({ kind: 'done', settings: { conversationId, pinned: true, muted: true, archived: false }, userSeq: 2 });
        expect(await state.updateSettings(a!, conversationId, { pinned: true })).toMatchObject({ kind: 'done', userSeq: null });
        expect(await state.updateSettings(a!, conversationId, {})).toMatchObject({ kind: 'done', userSeq: null });
        expect(await conversations.getSide(conversationId, a!)).toMatchObject({ muted: true, archived: false, pinnedAt: expect.any(Date) });
        expect(await conversations.getSide(conversationId, b!)).toMatchObject({ muted: false, archived: false, pinnedAt: null });
        expect((await events(a!)).filter((e) => e.type === 'conversation')).toEqual([
          { userSeq: 2, type: 'conversation', data: { conversationId, pinned: true, muted: true, archived: false } },
        ]);
        expect((await events(b!)).map((e) => e.type)).toEqual(['message']);
      });

      it('keeps the time of the first pin when pinned again', async () => {
        const [a, b] = await newUsers(2);
        const { conversationId } = await send(a!, b!);
        await state.updateSettings(a!, conversationId, { pinned: true });
        const pinnedAt = (await conversations.getSide(conversationId, a!))!.pinnedAt;
        await state.updateSettings(a!, conversationId, { pinned: true, muted: true });
        expect((await conversations.getSide(conversationId, a!))!.pinnedAt).toEqual(pinnedAt);
        await state.updateSettings(a!, conversationId, { pinned: false });
        expect((await conversations.getSide(conversationId, a!))!.pinnedAt).toBeNull();
      });
    });

    describe('the list', () => {
      it('puts pinned conversations first, most recent pin first, then the rest by activity, across pages', async () => {
        const [me, ...peers] = await newUsers(7);
        const ids = new Map<number, number>();
        for (const peer of peers) ids.set(peer, (await send(peer, me!, `from ${peer}`)).conversationId);
        await state.updateSettings(me!, ids.get(peers[1]!)!, { pinned: true });
        await new Promise((resolve) => setTimeout(resolve, 5));
        await state.updateSettings(me!, ids.get(peers[4]!)!, { pinned: true });
        // Activity does not reorder pinned ones.
        await send(peers[1]!, me!, 'newer');
        const expected = [peers[4], peers[1], peers[5], peers[3], peers[2], peers[0]];
        expect(await listed(me!)).toEqual(expected);
        const sides = await conversations.listSides(me!, null, 100);
        expect(sides.map((s) => s.pinnedAt !== null)).toEqual([true, true, false, false, false, false]);

        for (const size of [1, 2, 4]) {
          const seen: number[] = [];
          let cursor: ConversationCursor | null = null;
          for (;;) {
            const page = await conversations.listSides(me!, cursor, size);
            seen.push(...page.map((s) => s.peerId));
            if (page.length < size) break;
            const last = page[page.length - 1]!;
            cursor = { pinnedAt: last.pinnedAt, activityUs: last.activityUs, id: last.id };
          }
          expect(seen).toEqual(expected);
        }
      });

      it('leaves archived conversations out unless the archived view is asked for', async () => {
        const [me, x, y] = await newUsers(3);
        const { conversationId } = await send(x!, me!);
        await send(y!, me!);
        await state.updateSettings(me!, conversationId, { archived: true });
        expect(await listed(me!)).toEqual([y]);
        expect(await listed(me!, true)).toEqual([x]);
        expect(await listed(x!)).toEqual([me]);
      });

      it('brings an archived conversation back with a new message unless it is muted', async () => {
        const [me, loud, quiet] = await newUsers(3);
        const loudId = (await send(loud!, me!)).conversationId;
        const quietId = (await send(quiet!, me!)).conversationId;
        await state.updateSettings(me!, loudId, { archived: true });
        await state.updateSettings(me!, quietId, { archived: true, muted: true });
        expect(await listed(me!)).toEqual([]);

        await messages.appendBatch([text(loud!, me!, 'back'), text(quiet!, me!, 'still quiet')]);
        expect(await listed(me!)).toEqual([loud]);
        expect(await listed(me!, true)).toEqual([quiet]);
        expect(await conversations.getSide(loudId, me!)).toMatchObject({ archived: false, muted: false });
        expect(await conversations.getSide(quietId, me!)).toMatchObject({ archived: true, muted: true, unreadCount: 2 });

        // My own message from another device brings it back too; the peer's settings are their own.
        await state.updateSettings(me!, loudId, { archived: true });
        await state.updateSettings(loud!, loudId, { archived: true, muted: true });
        await send(me!, loud!, 'me again');
        expect(await listed(me!)).toEqual([loud]);
        expect(await conversations.getSide(loudId, loud!)).toMatchObject({ archived: true });
      });

      it('gives the unread total over every conversation, archived and muted ones included, unmatched ones left out', async () => {
        const [me, a, b, c] = await newUsers(4);
        await send(a!, me!);
        await send(a!, me!);
        const bId = (await send(b!, me!)).conversationId;
        const cId = (await send(c!, me!)).conversationId;
        await state.updateSettings(me!, bId, { archived: true, muted: true });
        expect(await state.unreadTotal(me!)).toBe(4);
        await db.query('INSERT INTO conversation_unmatches (conversation_id, unmatched_by) VALUES ($1, $2)', [cId, c]);
        expect(await state.unreadTotal(me!)).toBe(3);
        expect(await state.unreadTotal(a!)).toBe(0);
      });
    });

    describe('clear', () => {
      it('hides the history up to now for the clearer, resets their unread count and lists it again on a new message', async () => {
        const [a, b] = await newUsers(2);
        await send(b!, a!, 'old 1');
        const { conversationId } = await send(b!, a!, 'old 2');
        const cleared = await state.clear(a!, conversationId);
        expect(cleared).toEqual({ kind: 'done', clearedUpToSeq: 2, userSeq: 3 });
        expect(await history(conversationId, a!)).toEqual([]);
        expect(await history(conversationId, b!)).toEqual(['old 1', 'old 2']);
        expect(await conversations.getSide(conversationId, a!)).toMatchObject({ unreadCount: 0, lastMessage: null });
        expect(await listed(a!)).toEqual([]);
        expect(await listed(b!)).toEqual([a]);
        expect(await state.unreadTotal(a!)).toBe(0);
        expect(await state.clear(a!, conversationId)).toEqual({ kind: 'done', clearedUpToSeq: 2, userSeq: null });
        expect((await events(a!)).filter((e) => e.type === 'conversation')).toEqual([{ userSeq: 3, type: 'conversation', data: { conversationId, clearedUpToSeq: 2 } }]);

        const fresh = await send(b!, a!, 'new');
        expect(await listed(a!)).toEqual([b]);
        expect(await history(conversationId, a!)).toEqual(['new']);
        expect(await latest(conversationId, a!)).toEqual(['new']);
        expect((await conversations.getSide(conversationId, a!))!.lastMessage).toMatchObject({ id: fresh.id });
        expect(await state.isVisible(a!, fresh.id)).toBe(true);
        // A read mark below the clear mark does not count the cleared messages as unread.
        expect(await messages.markRead(conversationId, a!, 1)).toMatchObject({ readUpToSeq: 1, unreadCount: 1 });
      });
    });

    describe('unmatched conversations', () => {
      it('are gone from both users’ lists, histories and message lookups, and refuse settings, clear and hide', async () => {
        const [a, b, other] = await newUsers(3);
        const message = await send(a!, b!);
        await send(other!, a!);
        await db.query('INSERT INTO conversation_unmatches (conversation_id, unmatched_by) VALUES ($1, $2)', [message.conversationId, a]);
        expect(await listed(a!)).toEqual([other]);
        expect(await listed(b!)).toEqual([]);
        expect(await history(message.conversationId, a!)).toEqual([]);
        expect(await latest(message.conversationId, b!)).toEqual([]);
        expect(await state.isVisible(b!, message.id)).toBe(false);
        expect(await state.hide(b!, message.id)).toEqual({ kind: 'not-found' });
        expect(await state.updateSettings(a!, message.conversationId, { pinned: true })).toEqual({ kind: 'unmatched' });
        expect(await state.clear(b!, message.conversationId)).toEqual({ kind: 'unmatched' });
      });
    });

    it('walks the list index in order, without sorting, for a user with many conversations', async () => {
      const [me] = await newUsers(1);
      const peers = Array.from({ length: 1000 }, (_, i) => nextUserId + i);
      nextUserId += 1010;
      await db.query('INSERT INTO users (id) SELECT unnest($1::int8[])', [peers]);
      await messages.appendBatch(peers.map((peer) => text(peer, me!, 'hello')));
      const sides = await conversations.listSides(me!, null, 1000);
      await db.query('UPDATE conversation_members SET archived = true WHERE user_id = $1 AND conversation_id = ANY($2::int8[])', [me, sides.slice(0, 100).map((s) => s.id)]);
      await state.updateSettings(me!, sides[900]!.id, { pinned: true });
      await db.query('ANALYZE');
      // The store's own statement, as it sends it, explained with the values it binds.
      const sent: { text: string; params: readonly unknown[] }[] = [];
      const recording = new PostgresConversationStore({ ...db, query: (text: string, params?: readonly unknown[]) => (sent.push({ text, params: params ?? [] }), db.query(text, params)) } as SqlClient);
      const page = await recording.listSides(me!, null, 21);
      expect(page.map((s) => s.id)).toEqual([sides[900]!.id, ...sides.slice(100, 120).map((s) => s.id)]);
      const list = sent.find((q) => q.text.includes('FROM conversation_members m'))!;
      const plan = (await db.query<{ 'QUERY PLAN': string }>(`EXPLAIN ${list.text}`, list.params)).map((r) => r['QUERY PLAN']).join('\n');
      expect(plan).toContain('conversation_members_list');
      expect(plan).not.toMatch(/\bSort\b/);
      expect(await conversations.listSides(me!, null, 2000)).toHaveLength(900);
    });
  });
}
