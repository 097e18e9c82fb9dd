import type { ExchangeKind, Message, ReadReceipt, RecallNotice } from '@parley/protocol';
import { pairKey } from '../domain/conversation-pair.js';
import { exchangeAnswerFor, exchangeKindOfRequest, REQUEST_TYPE, RESULT_TYPE, resultExtra, type AnsweredExchange } from '../domain/exchange.js';
import type {
  ExchangeRequestOutcome,
  ExchangeResponse,
  ExchangeReveal,
  ExchangeResponseOutcome,
  HistoryRange,
  MessageStore,
  NewMessage,
  ReadOutcome,
  RecallOutcome,
  SendOutcome,
  SendRejection,
  StrangerLimits,
} from '../ports/message-store.js';
import type { SqlClient, SqlExecutor } from './sql-client.js';
import { MESSAGE_COLUMNS, NEW_MESSAGE_COLUMNS, toMessage, type MessageRow } from './message-rows.js';
import { withReactions } from './message-reactions.js';
import { visibleTo } from './message-visibility.js';
import { appendUpdates, insertMessages, lockConversations } from './write-path.js';
import { lockProfiles } from './postgres-user-store.js';
import { assertStrangerLimits } from './stranger-limits.js';
import { messageCreatedData, SEND_OUTBOX_OFF, withSendOutbox, type SendOutboxSettings } from './send-outbox.js';


const seqMap = (pairs: [number, number][]): Map<number, number> => new Map(pairs);

/** A row of `parley_append_messages`: the item's position and outcome, and the message when there is one. */
type AppendedRow = MessageRow & {
  idx: number;
  outcome: 'stored' | 'duplicate' | SendRejection;
  sender_user_seq: number | null;
  receiver_user_seq: number | null;
  retry_after_ms: number | null;
};

const NO_STRANGER_LIMITS: StrangerLimits = { firstContactLimit: 0, newConversationsPerDay: 0 };

export class PostgresMessageStore implements MessageStore {
  constructor(
    private readonly db: SqlClient,
    private readonly strangerLimits: StrangerLimits = NO_STRANGER_LIMITS,
    private readonly outbox: SendOutboxSettings = SEND_OUTBOX_OFF,
  ) {}

  /** The append statement with this deployment's outbox rows in it: one statement, one transaction. */
  private queryWithOutbox(items: readonly NewMessage[], append: string, params: unknown[]): Promise<AppendedRow[]> {
    const statement = withSendOutbox(this.outbox, append, params, items);
    return this.db.query<AppendedRow>(statement.text, statement.params);
  }

  async appendBatch(items: readonly NewMessage[]): Promise<SendOutcome[]> {
    if (items.length === 0) return [];
    // A concurrent batch (another connection) may commit the same new (sender, clientMsgId)
    // between our dedup lookup and our insert. Retrying sees it stored and answers `duplicate`,
    // so that one repeat never fails the other messages of this batch.
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.appendBatchOnce(items);
      } catch (error) {
        const { code, constraint } = error as { code?: string; constraint?: string };
        if (attempt >= 3 || code !== '23505' || constraint !== 'messages_client_msg_id_unique') throw error;
      }
    }
  }

  /**
   * The whole batch in one round trip: the `parley_append_messages` function (migrations 4, 6 and 14)
   * checks, numbers, inserts and logs every item in one statement, hence one implicit
   * transaction; the limits on strangers are counted there, under the conversation and user locks. Repeats of a (sender, clientMsgId) within the batch never reach it: they take
   * the outcome of their first occurrence.
   */
  private async appendBatchOnce(items: readonly NewMessage[]): Promise<SendOutcome[]> {
    const outcomes: (SendOutcome | undefined)[] = new Array(items.length);
    const firstInBatch = new Map<string, number>();
    const repeatOf = new Map<number, number>();
    const sent: { item: NewMessage; index: number }[] = [];
    items.forEach((item, index) => {
      const key = item.clientMsgId === null ? null : `${item.senderId}\u0000${item.clientMsgId}`;
      if (key !== null && firstInBatch.has(key)) return repeatOf.set(index, firstInBatch.get(key)!);
      if (key !== null) firstInBatch.set(key, index);
      sent.push({ item, index });
    });
    const rows = await this.queryWithOutbox(
      sent.map(({ item }) => item),
      `SELECT idx, outcome, sender_user_seq, receiver_user_seq, retry_after_ms, ${NEW_MESSAGE_COLUMNS}
       FROM parley_append_messages($1::int8[], $2::int8[], $3::text[], $4::text[], $5::text[], $6::text[], $7::int4, $8::int4)`,
      [
        sent.map(({ item }) => item.senderId),
        sent.map(({ item }) => item.receiverId),
        sent.map(({ item }) => item.messageType),
        sent.map(({ item }) => item.content),
        sent.map(({ item }) => (item.extra === null ? null : JSON.stringify(item.extra))),
        sent.map(({ item }) => item.clientMsgId),
        this.strangerLimits.firstContactLimit,
        this.strangerLimits.newConversationsPerDay,
      ],
    );
    for (const row of rows) {
      const { item, index } = sent[row.idx - 1]!;
      if (row.outcome === 'duplicate') outcomes[index] = { kind: 'duplicate', message: toMessage(row, item.senderId) };
      else if (row.outcome !== 'stored')
        outcomes[index] = { kind: 'rejected', code: row.outcome, ...(row.retry_after_ms === null ? {} : { retryAfterMs: Number(row.retry_after_ms) }) };
      else
        outcomes[index] = {
          kind: 'stored',
          message: toMessage(row, item.senderId),
          userSeqs: seqMap([
            [item.senderId, Number(row.sender_user_seq)],
            [item.receiverId, Number(row.receiver_user_seq)],
          ]),
        };
    }
    for (const [index, first] of repeatOf) {
      const original = outcomes[first]!;
      outcomes[index] = original.kind === 'rejected' ? original : { kind: 'duplicate', message: original.message };
    }
    return outcomes as SendOutcome[];
  }

  async findByClientMsgId(senderId: number, clientMsgId: string): Promise<Message | null> {
    const [row] = await this.db.query<{ id: number }>('SELECT id FROM messages WHERE sender_id = $1 AND client_msg_id = $2', [senderId, clientMsgId]);
    return row ? this.getById(Number(row.id), senderId) : null;
  }

  async getById(messageId: number, viewerId: number): Promise<Message | null> {
    const [row] = await this.db.query<MessageRow>(`SELECT ${MESSAGE_COLUMNS} FROM messages WHERE id = $1`, [messageId]);
    if (!row) return null;
    const [message] = await withReactions(this.db, [toMessage(row, viewerId)]);
    return message!;
  }

  async history(conversationId: number, viewerId: number, range: HistoryRange): Promise<{ items: Message[]; hasMore: boolean }> {
    const { beforeSeq, afterSeq, limit } = range;
    let rows: MessageRow[];
    if (afterSeq !== undefined) {
      rows = await this.db.query<MessageRow>(
        `SELECT ${MESSAGE_COLUMNS} FROM messages WHERE conversation_id = $1 AND seq > $2 AND ($3::int8 IS NULL OR seq < $3) AND ${visibleTo('$5::int8', '$1')}
         ORDER BY seq ASC LIMIT $4`,
        [conversationId, afterSeq, beforeSeq ?? null, limit + 1, viewerId],
      );
    } else {
      rows = await this.db.query<MessageRow>(
        `SELECT ${MESSAGE_COLUMNS} FROM messages WHERE conversation_id = $1 AND ($2::int8 IS NULL OR seq < $2) AND ${visibleTo('$4::int8', '$1')}
         ORDER BY seq DESC LIMIT $3`,
        [conversationId, beforeSeq ?? null, limit + 1, viewerId],
      );
    }
    const hasMore = rows.length > limit;
    const page = rows.slice(0, limit);
    if (afterSeq === undefined) page.reverse();
    return { items: await withReactions(this.db, page.map((r) => toMessage(r, viewerId))), hasMore };
  }

  async markRead(conversationId: number, readerId: number, upToSeq: number | null, toPeer = true): Promise<ReadOutcome> {
    return this.db.transaction(async (tx) => {
      const [side] = await tx.query<{ peer_id: number; read_up_to_seq: number; unread_count: number; last_seq: number }>(
        `SELECT m.peer_id, m.read_up_to_seq, m.unread_count, c.last_seq
         FROM conversations c JOIN conversation_members m ON m.conversation_id = c.id AND m.user_id = $2
         WHERE c.id = $1 FOR UPDATE OF c`,
        [conversationId, readerId],
      );
      if (!side) throw new Error(`markRead: ${readerId} is not in conversation ${conversationId}`);
      const peerId = Number(side.peer_id);
      const current = Number(side.read_up_to_seq);
      const target = Math.min(upToSeq ?? Number(side.last_seq), Number(side.last_seq));
      if (target <= current) {
        return { readUpToSeq: current, unreadCount: Number(side.unread_count), changed: false, peerId, userSeqs: new Map() };
      }
      await tx.query(
        `UPDATE messages SET is_read = true
         WHERE conversation_id = $1 AND receiver_id = $2 AND seq > $3 AND seq <= $4 AND NOT is_read`,
        [conversationId, readerId, current, target],
      );
      const [count] = await tx.query<{ n: number }>(
        // Messages the reader cleared are not unread, whatever their read mark says.
        `SELECT count(*)::int4 AS n FROM messages WHERE conversation_id = $1 AND receiver_id = $2
           AND seq > GREATEST($3::int8, (SELECT cleared_up_to_seq FROM conversation_members WHERE conversation_id = $1 AND user_id = $2))`,
        [conversationId, readerId, target],
      );
      const unreadCount = Number(count?.n ?? 0);
      await tx.query('UPDATE conversation_members SET read_up_to_seq = $3, unread_count = $4 WHERE conversation_id = $1 AND user_id = $2', [
        conversationId,
        readerId,
        target,
        unreadCount,
      ]);
      const receipt: ReadReceipt = { conversationId, readerId, readUpToSeq: target };
      const [readerSeq, peerSeq] = await appendUpdates(tx, [
        { userId: readerId, kind: 'read', messageId: null, data: receipt },
        ...(toPeer ? [{ userId: peerId, kind: 'read' as const, messageId: null, data: receipt }] : []),
      ]);
      await this.outbox.events.append(tx, [{ event: 'conversation.read', conversationId, data: receipt }]);
      return {
        readUpToSeq: target,
        unreadCount,
        changed: true,
        peerId,
        userSeqs: seqMap(toPeer ? [
          [readerId, readerSeq!],
          [peerId, peerSeq!],
        ] : [[readerId, readerSeq!]]),
      };
    });
  }

  async recall(messageId: number): Promise<RecallOutcome> {
    return this.db.transaction(async (tx) => {
      await this.lockConversationOfMessage(tx, messageId);
      const [row] = await tx.query<MessageRow>(`SELECT ${MESSAGE_COLUMNS} FROM messages WHERE id = $1`, [messageId]);
      if (!row) throw new Error(`recall: message ${messageId} vanished`);
      if (row.status === 'RECALLED') return { kind: 'already', message: toMessage(row, Number(row.sender_id)) };
      await this.outbox.events.beforeMessageChange(tx, Number(row.conversation_id));
      const [updated] = await tx.query<MessageRow>(
        `UPDATE messages SET status = 'RECALLED', content = '', extra = NULL WHERE id = $1 RETURNING ${MESSAGE_COLUMNS}`,
        [messageId],
      );
      // Replies keep quoting the message but no longer its words: a recall takes them back
      // everywhere. Replies come after it, within the recall window: a short range of the seq index.
      await tx.query(
        `UPDATE messages SET extra = jsonb_set(extra, '{replyTo,preview}', '""')
         WHERE conversation_id = $1 AND seq > $2 AND extra -> 'replyTo' ->> 'id' = $3 AND extra -> 'replyTo' ->> 'preview' <> ''`,
        [row.conversation_id, row.seq, String(messageId)],
      );
      const notice: RecallNotice = { conversationId: Number(row.conversation_id), messageId, seq: Number(row.seq) };
      const senderId = Number(row.sender_id);
      const receiverId = Number(row.receiver_id);
      const [senderSeq, receiverSeq] = await appendUpdates(tx, [
        { userId: senderId, kind: 'recall', messageId, data: notice },
        { userId: receiverId, kind: 'recall', messageId, data: notice },
      ]);
      await this.outbox.events.append(tx, [{ event: 'message.recalled', conversationId: notice.conversationId, data: { ...notice, senderId, receiverId } }]);
      return {
        kind: 'recalled',
        message: toMessage(updated!, senderId),
        userSeqs: seqMap([
          [senderId, senderSeq!],
          [receiverId, receiverSeq!],
        ]),
      };
    });
  }

  async requestExchange(requesterId: number, receiverId: number, kind: ExchangeKind): Promise<ExchangeRequestOutcome> {
    return this.db.transaction(async (tx) => {
      const conversations = await lockConversations(tx, [[requesterId, receiverId]]);
      const conversation = conversations.get(pairKey(requesterId, receiverId))!;
      const [pending] = await tx.query<MessageRow>(
        `SELECT ${MESSAGE_COLUMNS} FROM messages
         WHERE conversation_id = $1 AND message_type = $2 AND extra ->> 'exchangeStatus' = 'PENDING'
         ORDER BY seq LIMIT 1`,
        [conversation.id, REQUEST_TYPE[kind]],
      );
      if (pending) return { kind: 'pending', message: toMessage(pending, requesterId) };
      await assertStrangerLimits(tx, this.strangerLimits, requesterId, receiverId, conversation);
      const [written] = await insertMessages(tx, conversations, [
        { senderId: requesterId, receiverId, messageType: REQUEST_TYPE[kind], content: '', extra: { exchangeStatus: 'PENDING' }, clientMsgId: null },
      ]);
      await this.outbox.events.append(tx, [{ event: 'message.created', conversationId: conversation.id, data: messageCreatedData(written!.row) }]);
      return {
        kind: 'created',
        message: toMessage(written!.row, requesterId),
        userSeqs: seqMap([
          [requesterId, written!.senderUserSeq],
          [receiverId, written!.receiverUserSeq],
        ]),
      };
    });
  }

  async respondExchange(response: ExchangeResponse): Promise<ExchangeResponseOutcome> {
    return this.db.transaction(async (tx) => {
      await this.lockConversationOfMessage(tx, response.requestId);
      const [request] = await tx.query<MessageRow>(`SELECT ${MESSAGE_COLUMNS} FROM messages WHERE id = $1`, [response.requestId]);
      const exchangeKind = request ? exchangeKindOfRequest(request.message_type) : undefined;
      if (!request || !exchangeKind || request.extra?.exchangeStatus !== 'PENDING' || request.status !== 'NORMAL') {
        return { kind: 'not-pending' };
      }
      const requesterId = Number(request.sender_id);
      const { responderId, accept } = response;
      // Read under lock, before anything is written: the decision sees the profiles as they
      // are at commit, and a refusal leaves nothing behind.
      let revealed: ExchangeReveal | null = null;
      if (response.reveal) {
        const profiles = await lockProfiles(tx, [requesterId, responderId]);
        revealed = response.reveal(profiles.get(requesterId) ?? null, profiles.get(responderId) ?? null);
      }
      const [updatedRequest] = await tx.query<MessageRow>(
        `UPDATE messages SET extra = jsonb_build_object('exchangeStatus', $2::text) WHERE id = $1 RETURNING ${MESSAGE_COLUMNS}`,
        [response.requestId, accept ? 'ACCEPTED' : 'REJECTED'],
      );
      const conversations = await lockConversations(tx, [[responderId, requesterId]]);
      const answered: AnsweredExchange = { requestId: response.requestId, requesterId, responderId, kind: exchangeKind, accepted: accept, revealed };
      const [written] = await insertMessages(tx, conversations, [
        { senderId: responderId, receiverId: requesterId, messageType: RESULT_TYPE[exchangeKind], content: '', extra: resultExtra(answered), clientMsgId: null },
      ]);
      const [requesterSeq, responderSeq] = await appendUpdates(tx, [
        { userId: requesterId, kind: 'exchange', messageId: response.requestId, data: exchangeAnswerFor(requesterId, answered) },
        { userId: responderId, kind: 'exchange', messageId: response.requestId, data: exchangeAnswerFor(responderId, answered) },
      ]);
      const conversationId = Number(request.conversation_id);
      await this.outbox.events.append(tx, [
        { event: 'message.created', conversationId, data: messageCreatedData(written!.row) },
        {
          event: 'exchange.answered',
          conversationId,
          data: { conversationId, requestId: response.requestId, requesterId, responderId, kind: exchangeKind, accepted: accept },
        },
      ]);
      return {
        kind: 'answered',
        request: toMessage(updatedRequest!, responderId),
        result: toMessage(written!.row, responderId),
        requesterId,
        exchangeKind,
        revealed,
        // The result message's log positions come first, then the answer's.
        userSeqs: seqMap([
          [requesterId, requesterSeq!],
          [responderId, responderSeq!],
        ]),
        resultUserSeqs: seqMap([
          [responderId, written!.senderUserSeq],
          [requesterId, written!.receiverUserSeq],
        ]),
      };
    });
  }

  private async lockConversationOfMessage(tx: SqlExecutor, messageId: number): Promise<void> {
    await tx.query(
      'SELECT c.id FROM conversations c WHERE c.id = (SELECT conversation_id FROM messages WHERE id = $1) FOR UPDATE',
      [messageId],
    );
  }
}
