/**
 * Edits and reactions in storage, on embedded PGlite (`memory://`) and on a real PostgreSQL
 * server (a fresh database, dropped afterwards): each change and its two log entries commit
 * together, a repeat writes nothing, and every read of messages (one message, history, the
 * conversation list, /sync) shows the change with one aggregated reaction query per page.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Message } from '@parley/protocol';
import { withReply } from '../../src/domain/reply-snapshot.js';
import { PostgresConversationStore } from '../../src/storage/postgres-conversation-store.js';
import { PostgresMessageEditStore } from '../../src/storage/postgres-message-edit-store.js';
import { PostgresMessageStore } from '../../src/storage/postgres-message-store.js';
import { PostgresUpdateLog } from '../../src/storage/postgres-update-log.js';
import { PostgresUserStore } from '../../src/storage/postgres-user-store.js';
import type { SqlClient } from '../../src/storage/sql-client.js';
import { SQL_BACKENDS } from '../support/sql-backends.js';


/** Counts the statements sent through a client, to show reads of a page stay a fixed number of queries. */
function counting(db: SqlClient): { db: SqlClient; count: () => number } {
  let queries = 0;
  const counted: SqlClient = Object.assign(Object.create(db) as SqlClient, {
    query: (text: string, params?: readonly unknown[]) => {
      queries++;
      return db.query(text, params);
    },
  });
  return { db: counted, count: () => queries };
}

for (const backend of SQL_BACKENDS) {
  describe.skipIf(!backend.available)(`message edits and reactions on ${backend.name}`, () => {
    let db: SqlClient;
    let dispose: () => Promise<void>;
    let users: PostgresUserStore;
    let messages: PostgresMessageStore;
    let edits: PostgresMessageEditStore;
    let updates: PostgresUpdateLog;
    let conversations: PostgresConversationStore;
    let nextUserId = 5000;

    async function pair(): Promise<[number, number]> {
      const ids: [number, number] = [nextUserId, nextUserId + 1];
      nextUserId += 10;
      for (const id of ids) await users.upsert(id, {});
      return ids;
    }

    async function send(senderId: number, receiverId: number, content: string, extra: Record<string, unknown> | null = null): Promise<Message> {
      const [outcome] = await messages.appendBatch([{ senderId, receiverId, messageType: 'TEXT', content, extra, clientMsgId: null }]);
      if (outcome?.kind !== 'stored') throw new Error(`not stored: ${JSON.stringify(outcome)}`);
      return outcome.message;
    }

    const events = async (userId: number) => (await updates.since(userId, 0, 1000)).events;

    beforeAll(async () => {
      ({ db, dispose } = await backend.open());
      users = new PostgresUserStore(db);
      messages = new PostgresMessageStore(db);
      edits = new PostgresMessageEditStore(db);
      updates = new PostgresUpdateLog(db);
      conversations = new PostgresConversationStore(db);
    });
    afterAll(async () => {
      await dispose?.();
    });

    describe('editText', () => {
      it('replaces content and extra, sets editedAt and logs one edit entry per participant, replayed as the message now', async () => {
        const [a, b] = await pair();
        const sent = await send(a, b, 'helo');
        const outcome = await edits.editText({ messageId: sent.id, content: 'hello', extra: null });
        expect(outcome.kind).toBe('edited');
        if (outcome.kind !== 'edited') return;
        expect(outcome.message).toMatchObject({ id: sent.id, seq: sent.seq, content: 'hello', createdAt: sent.createdAt });
        expect(Date.parse(outcome.message.editedAt!)).toBeGreaterThanOrEqual(Date.parse(sent.createdAt));
        expect([...outcome.userSeqs]).toEqual([
          [a, 2],
          [b, 2],
        ]);
        for (const user of [a, b]) {
          expect((await events(user)).map((e) => [e.userSeq, e.type])).toEqual([
            [1, 'message'],
            [2, 'edit'],
          ]);
        }
        const [, edit] = await events(b);
        expect(edit!.data).toEqual(outcome.message);
        expect(await messages.getById(sent.id, b)).toEqual(outcome.message);
        // The message entry references the row too, so it replays the edited text.
        expect((await events(b))[0]!.data).toMatchObject({ content: 'hello', editedAt: outcome.message.editedAt });
      });

      it('writes and logs nothing when content and extra are already these (a retried edit)', async () => {
        const [a, b] = await pair();
        const sent = await send(a, b, 'same');
        const first = await edits.editText({ messageId: sent.id, content: 'twice', extra: { masked: ['CONTACT'] } });
        const again = await edits.editText({ messageId: sent.id, content: 'twice', extra: { masked: ['CONTACT'] } });
        expect(again).toEqual({ kind: 'unchanged', message: first.message });
        expect((await events(a)).map((e) => e.type)).toEqual(['message', 'edit']);
        // Same words, other masking: that is a change.
        expect((await edits.editText({ messageId: sent.id, content: 'twice', extra: null })).kind).toBe('edited');
      });

      it('keeps the quote of a reply through an edit', async () => {
        const [a, b] = await pair();
        const quoted = await send(b, a, 'question');
        const snapshot = { id: quoted.id, seq: quoted.seq, senderId: b, messageType: 'TEXT' as const, preview: 'question' };
        const reply = await send(a, b, 'answr', withReply(null, snapshot));
        expect(reply).toMatchObject({ replyTo: snapshot, extra: null });
        const outcome = await edits.editText({ messageId: reply.id, content: 'answer', extra: null });
        expect(outcome.message).toMatchObject({ content: 'answer', replyTo: snapshot, extra: null });
        expect(await messages.getById(reply.id, b)).toMatchObject({ content: 'answer', replyTo: snapshot, extra: null });
      });

      it('empties the quote of a recalled message in every reply, keeping who and what was quoted', async () => {
        const [a, b] = await pair();
        const quoted = await send(b, a, 'take this back');
        const snapshot = { id: quoted.id, seq: quoted.seq, senderId: b, messageType: 'TEXT' as const, preview: 'take this back' };
        const replies = [await send(a, b, 'what?', withReply(null, snapshot)), await send(b, a, 'sorry', withReply(null, snapshot))];
        const unrelated = await send(a, b, 'other', withReply(null, { ...snapshot, id: quoted.id + 1_000_000 }));
        await messages.recall(quoted.id);
        for (const reply of replies) expect((await messages.getById(reply.id, a))!.replyTo).toEqual({ ...snapshot, preview: '' });
        expect((await messages.getById(unrelated.id, a))!.replyTo).toMatchObject({ preview: 'take this back' });
      });

      it('answers recalled for a message recalled before the edit committed', async () => {
        const [a, b] = await pair();
        const sent = await send(a, b, 'gone');
        await messages.recall(sent.id);
        expect(await edits.editText({ messageId: sent.id, content: 'back', extra: null })).toMatchObject({ kind: 'recalled', message: { status: 'RECALLED', content: '' } });
        expect((await events(b)).map((e) => e.type)).toEqual(['message', 'recall']);
      });
    });

    describe('react', () => {
      it('sets, replaces and removes one reaction per user, logging a notice with the whole list each time', async () => {
        const [a, b] = await pair();
        const sent = await send(a, b, 'react to me');
        const set = await edits.react({ messageId: sent.id, userId: b, emoji: '👍' });
        expect(set).toMatchObject({
          kind: 'changed',
          notice: { conversationId: sent.conversationId, messageId: sent.id, seq: sent.seq, userId: b, emoji: '👍', reactions: [{ emoji: '👍', userIds: [b] }] },
        });
        await edits.react({ messageId: sent.id, userId: a, emoji: '👍' });
        expect((await messages.getById(sent.id, a))!.reactions).toEqual([{ emoji: '👍', userIds: [b, a] }]);
        const replaced = await edits.react({ messageId: sent.id, userId: b, emoji: '❤️' });
        expect(replaced).toMatchObject({ kind: 'changed', notice: { emoji: '❤️', reactions: [{ emoji: '👍', userIds: [a] }, { emoji: '❤️', userIds: [b] }] } });
        const removed = await edits.react({ messageId: sent.id, userId: a, emoji: null });
        expect(removed).toMatchObject({ kind: 'changed', notice: { userId: a, emoji: null, reactions: [{ emoji: '❤️', userIds: [b] }] } });

        const log = await events(b);
        expect(log.map((e) => e.type)).toEqual(['message', 'reaction', 'reaction', 'reaction', 'reaction']);
        expect(log.map((e) => e.userSeq)).toEqual([1, 2, 3, 4, 5]);
        // Replaying the notices in order ends at the stored state; the message entry shows it already.
        expect(log[4]!.data).toMatchObject({ reactions: [{ emoji: '❤️', userIds: [b] }] });
        expect(log[0]!.data).toMatchObject({ id: sent.id, reactions: [{ emoji: '❤️', userIds: [b] }] });
      });

      it('writes and logs nothing for the reaction already set, or for removing none', async () => {
        const [a, b] = await pair();
        const sent = await send(a, b, 'once');
        expect(await edits.react({ messageId: sent.id, userId: b, emoji: null })).toMatchObject({ kind: 'unchanged', notice: { emoji: null, reactions: [] } });
        await edits.react({ messageId: sent.id, userId: b, emoji: '😂' });
        expect(await edits.react({ messageId: sent.id, userId: b, emoji: '😂' })).toMatchObject({ kind: 'unchanged', notice: { reactions: [{ emoji: '😂', userIds: [b] }] } });
        expect((await events(a)).map((e) => e.type)).toEqual(['message', 'reaction']);
      });

      it('keeps both logs gap-free and ends at one reaction each under concurrent reactions, edits and sends', async () => {
        const [a, b] = await pair();
        const target = await send(a, b, 'busy');
        const emojis = ['👍', '❤️', '😂', '🎉', '😮'];
        await Promise.all([
          ...Array.from({ length: 20 }, (_, i) => edits.react({ messageId: target.id, userId: i % 2 ? a : b, emoji: emojis[i % emojis.length]! })),
          ...Array.from({ length: 5 }, (_, i) => edits.editText({ messageId: target.id, content: `busy ${i}`, extra: null })),
          ...Array.from({ length: 5 }, (_, i) => send(b, a, `reply ${i}`)),
        ]);
        for (const user of [a, b]) {
          const log = await events(user);
          expect(log.map((e) => e.userSeq)).toEqual(log.map((_, i) => i + 1));
          const last = log.filter((e) => e.type === 'reaction').at(-1)!.data as { reactions: { emoji: string; userIds: number[] }[] };
          const stored = (await messages.getById(target.id, user))!.reactions;
          expect(last.reactions).toEqual(stored);
          expect(stored.flatMap((r) => r.userIds).sort()).toEqual([a, b].sort());
        }
      });

      it('refuses a recalled message, and a recalled message shows no reactions', async () => {
        const [a, b] = await pair();
        const sent = await send(a, b, 'short-lived');
        await edits.react({ messageId: sent.id, userId: b, emoji: '👍' });
        await messages.recall(sent.id);
        expect(await edits.react({ messageId: sent.id, userId: b, emoji: '👎' })).toEqual({ kind: 'recalled' });
        expect((await messages.getById(sent.id, b))!.reactions).toEqual([]);
      });

      it('shows reactions in history, the conversation list and /sync, with one reaction query per page', async () => {
        const [a, b] = await pair();
        const sent: Message[] = [];
        for (let i = 0; i < 5; i++) sent.push(await send(i % 2 ? b : a, i % 2 ? a : b, `m${i}`));
        for (const [i, m] of sent.entries()) {
          await edits.react({ messageId: m.id, userId: a, emoji: i % 2 ? '👍' : '🎉' });
          if (i > 2) await edits.react({ messageId: m.id, userId: b, emoji: '🎉' });
        }
        const expected = sent.map((_, i) => [
          ...(i % 2 ? [{ emoji: '👍', userIds: [a] }] : [{ emoji: '🎉', userIds: i > 2 ? [a, b] : [a] }]),
          ...(i > 2 && i % 2 ? [{ emoji: '🎉', userIds: [b] }] : []),
        ]);
        const counted = counting(db);
        const history = await new PostgresMessageStore(counted.db).history(sent[0]!.conversationId, b, { afterSeq: 0, limit: 100 });
        expect(history.items.map((m) => m.reactions)).toEqual(expected);
        expect(counted.count()).toBe(2);

        const list = await new PostgresConversationStore(counted.db).listSides(b, null, 10);
        expect(list.find((side) => side.peerId === a)!.lastMessage!.reactions).toEqual(expected[4]);
        expect((await conversations.getSide(sent[0]!.conversationId, a))!.lastMessage!.reactions).toEqual(expected[4]);

        const replay = await new PostgresUpdateLog(counted.db).since(b, 0, 1000);
        const replayedMessages = replay.events.flatMap((e) => (e.type === 'message' ? [e.data] : []));
        expect(replayedMessages.map((m) => m.reactions)).toEqual(expected);
      });
    });
  });
}
