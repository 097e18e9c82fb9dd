import type { Message, MessageStatus, MessageType, ReactionGroup } from '@parley/protocol';
import { extraAsSeenBy } from '../domain/exchange.js';
import { splitReply } from '../domain/reply-snapshot.js';

export interface MessageRow {
  id: number;
  conversation_id: number;
  seq: number;
  sender_id: number;
  receiver_id: number;
  message_type: string;
  content: string;
  extra: Record<string, unknown> | null;
  status: string;
  is_read: boolean;
  client_msg_id: string | null;
  created_at: Date;
  /** Absent from the rows of the batched append function: a message just stored was never edited. */
  edited_at?: Date | null;
}

/** The columns the batched append function (`parley_append_messages`) returns for each message. */
export const NEW_MESSAGE_COLUMNS =
  'id, conversation_id, seq, sender_id, receiver_id, message_type, content, extra, status, is_read, client_msg_id, created_at';

export const MESSAGE_COLUMNS = `${NEW_MESSAGE_COLUMNS}, edited_at`;

/** Same columns, qualified by a table alias, for joins. */
export function messageColumns(alias: string): string {
  return MESSAGE_COLUMNS.split(', ')
    .map((c) => `${alias}.${c}`)
    .join(', ');
}

/**
 * The message as `viewerId` sees it: the exchange rules decide what of its `extra` they are
 * shown, and a reply's quote moves from `extra` to `replyTo`. Reactions live in their own table;
 * readers of many messages fetch them for the whole page at once (`message-reactions.ts`).
 */
export function toMessage(row: MessageRow, viewerId: number, reactions: ReactionGroup[] = []): Message {
  const senderId = Number(row.sender_id);
  const receiverId = Number(row.receiver_id);
  const { replyTo, extra } = splitReply(row.extra);
  return {
    id: Number(row.id),
    conversationId: Number(row.conversation_id),
    seq: Number(row.seq),
    senderId,
    receiverId,
    messageType: row.message_type as MessageType,
    content: row.content,
    extra: extraAsSeenBy(extra, { senderId, receiverId }, viewerId),
    status: row.status as MessageStatus,
    isRead: row.is_read,
    clientMsgId: row.client_msg_id,
    createdAt: new Date(row.created_at).toISOString(),
    editedAt: row.edited_at ? new Date(row.edited_at).toISOString() : null,
    replyTo,
    reactions,
  };
}
