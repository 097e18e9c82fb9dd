import type { Message, MessageStatus, MessageType } from '@parley/protocol';

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
}

export const MESSAGE_COLUMNS =
  'id, conversation_id, seq, sender_id, receiver_id, message_type, content, extra, status, is_read, client_msg_id, created_at';

/** Same columns, qualified by a table alias, for joins. */
export function messageColumns(alias: string): string {
  return MESSAGE_COLUMNS.split(', ')
    .map((c) => `${alias}.${c}`)
    .join(', ');
}

/**
 * The message as `viewerId` sees it. An exchange result stores what both sides revealed
 * (`revealed` keyed by user id); each viewer gets only the other side's data as `exchangedData`.
 */
export function toMessage(row: MessageRow, viewerId: number): Message {
  return {
    id: Number(row.id),
    conversationId: Number(row.conversation_id),
    seq: Number(row.seq),
    senderId: Number(row.sender_id),
    receiverId: Number(row.receiver_id),
    messageType: row.message_type as MessageType,
    content: row.content,
    extra: viewExtra(row, viewerId),
    status: row.status as MessageStatus,
    isRead: row.is_read,
    clientMsgId: row.client_msg_id,
    createdAt: new Date(row.created_at).toISOString(),
  };
}

function viewExtra(row: MessageRow, viewerId: number): Record<string, unknown> | null {
  const extra = row.extra;
  if (!extra || !('revealed' in extra)) return extra;
  const { revealed, ...rest } = extra as { revealed: Record<string, unknown> | null };
  const peerId = Number(row.sender_id) === viewerId ? Number(row.receiver_id) : Number(row.sender_id);
  return { ...rest, exchangedData: revealed?.[String(peerId)] ?? null };
}
