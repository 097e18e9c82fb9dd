import type { ReactionNotice } from '@parley/protocol';
import { splitReply, withReply } from '../domain/reply-snapshot.js';
import type { EditOutcome, MessageEditStore, ReactionChange, ReactionOutcome, TextEdit } from '../ports/message-edit-store.js';
import { MESSAGE_COLUMNS, toMessage, type MessageRow } from './message-rows.js';
import { reactionsOf } from './message-reactions.js';
import type { SqlClient, SqlExecutor } from './sql-client.js';
import { appendUpdates } from './write-path.js';
import { OutboxEventWriter } from './outbox-events.js';
import { messageCreatedData } from './send-outbox.js';

export class PostgresMessageEditStore implements MessageEditStore {
  constructor(
    private readonly db: SqlClient,
    /** The event webhooks' filter: an edit is a `message.edited` event, written with it. */
    private readonly events: OutboxEventWriter = OutboxEventWriter.NONE,
  ) {}

  async editText(edit: TextEdit): Promise<EditOutcome> {
    return this.db.transaction(async (tx) => {
      const row = await lockMessage(tx, edit.messageId);
      const senderId = Number(row.sender_id);
      const receiverId = Number(row.receiver_id);
      const reactions = async () => (await reactionsOf(tx, [edit.messageId])).get(edit.messageId) ?? [];
      if (row.status === 'RECALLED') return { kind: 'recalled', message: toMessage(row, senderId) };
      // The quote a reply was sent with stays: an edit changes the words, not what they answer.
      const extra = withReply(edit.extra, splitReply(row.extra).replyTo);
      await this.events.beforeMessageChange(tx, Number(row.conversation_id));
      const [updated] = await tx.query<MessageRow>(
        `UPDATE messages SET content = $2, extra = $3::jsonb, edited_at = now()
         WHERE id = $1 AND (content <> $2 OR extra IS DISTINCT FROM $3::jsonb)
         RETURNING ${MESSAGE_COLUMNS}`,
        [edit.messageId, edit.content, extra === null ? null : JSON.stringify(extra)],
      );
      if (!updated) return { kind: 'unchanged', message: toMessage(row, senderId, await reactions()) };
      const [senderSeq, receiverSeq] = await appendUpdates(tx, [
        { userId: senderId, kind: 'edit', messageId: edit.messageId, data: null },
        { userId: receiverId, kind: 'edit', messageId: edit.messageId, data: null },
      ]);
      await this.events.append(tx, [{ event: 'message.edited', conversationId: Number(updated.conversation_id), data: messageCreatedData(updated) }]);
      return {
        kind: 'edited',
        message: toMessage(updated, senderId, await reactions()),
        userSeqs: new Map([
          [senderId, senderSeq!],
          [receiverId, receiverSeq!],
        ]),
      };
    });
  }

  async react(change: ReactionChange): Promise<ReactionOutcome> {
    return this.db.transaction(async (tx) => {
      const row = await lockMessage(tx, change.messageId);
      if (row.status === 'RECALLED') return { kind: 'recalled' };
      const [current] = await tx.query<{ emoji: string }>('SELECT emoji FROM message_reactions WHERE message_id = $1 AND user_id = $2', [
        change.messageId,
        change.userId,
      ]);
      const notice = async (): Promise<ReactionNotice> => ({
        conversationId: Number(row.conversation_id),
        messageId: change.messageId,
        seq: Number(row.seq),
        userId: change.userId,
        emoji: change.emoji,
        reactions: (await reactionsOf(tx, [change.messageId])).get(change.messageId) ?? [],
      });
      if ((current?.emoji ?? null) === change.emoji) return { kind: 'unchanged', notice: await notice() };
      if (change.emoji === null) {
        await tx.query('DELETE FROM message_reactions WHERE message_id = $1 AND user_id = $2', [change.messageId, change.userId]);
      } else {
        // A new choice replaces the old one and counts from now: it moves to the end of its emoji's users.
        await tx.query(
          `INSERT INTO message_reactions (message_id, user_id, emoji) VALUES ($1, $2, $3)
           ON CONFLICT (message_id, user_id) DO UPDATE SET emoji = excluded.emoji, created_at = now()`,
          [change.messageId, change.userId, change.emoji],
        );
      }
      const changed = await notice();
      const senderId = Number(row.sender_id);
      const receiverId = Number(row.receiver_id);
      const [senderSeq, receiverSeq] = await appendUpdates(tx, [
        { userId: senderId, kind: 'reaction', messageId: change.messageId, data: changed },
        { userId: receiverId, kind: 'reaction', messageId: change.messageId, data: changed },
      ]);
      return {
        kind: 'changed',
        notice: changed,
        userSeqs: new Map([
          [senderId, senderSeq!],
          [receiverId, receiverSeq!],
        ]),
      };
    });
  }
}

/**
 * Locks the message's conversation (the first lock of every write, so edits and reactions queue
 * with sends and recalls of that conversation) and reads the message under it.
 */
async function lockMessage(tx: SqlExecutor, messageId: number): Promise<MessageRow> {
  await tx.query('SELECT c.id FROM conversations c WHERE c.id = (SELECT conversation_id FROM messages WHERE id = $1) FOR UPDATE', [messageId]);
  const [row] = await tx.query<MessageRow>(`SELECT ${MESSAGE_COLUMNS} FROM messages WHERE id = $1`, [messageId]);
  if (!row) throw new Error(`message ${messageId} vanished`);
  return row;
}
