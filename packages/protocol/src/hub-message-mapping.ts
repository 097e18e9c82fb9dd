/**
 * The reverse of `toHubMessage`, for clients of the SignalR door: a hub message (integer type,
 * voice duration in seconds, `extraData` as a JSON string, integer status) back to the canonical
 * Message, and a canonical send body to the hub's `SendMessage` dto. The field meanings are
 * described in docs/signalr.md.
 */
import type { HubSendMessageDto } from './schemas.js';
import { HUB_MESSAGE_TYPE, MESSAGE_TYPE_BY_HUB_NUMBER, type HubMessage } from './signalr.js';
import type { Message, SendableMessageType } from './model.js';

/** What a hub message may carry on the wire: `tempId` comes back in the type the sender used. */
export type WireHubMessage = Omit<HubMessage, 'tempId'> & { tempId?: string | number | null };

export function fromHubMessage(hub: WireHubMessage): Message {
  const messageType = MESSAGE_TYPE_BY_HUB_NUMBER[hub.messageType] ?? 'TEXT';
  let extra = parseExtraData(hub.extraData);
  // The hub rounds a voice note's duration to seconds; the stored extra keeps the exact value.
  if (messageType === 'VOICE' && typeof hub.voiceDuration === 'number' && typeof extra?.durationMs !== 'number') {
    extra = { ...extra, durationMs: hub.voiceDuration * 1000 };
  }
  return {
    id: hub.id,
    conversationId: hub.sessionId,
    seq: hub.seq,
    senderId: hub.senderId,
    receiverId: hub.receiverId,
    messageType,
    content: hub.content,
    extra,
    status: hub.status === 2 ? 'RECALLED' : 'NORMAL',
    isRead: hub.isRead,
    clientMsgId: hub.tempId === undefined || hub.tempId === null ? null : String(hub.tempId),
    createdAt: hub.createTime,
    editedAt: hub.editedAt ?? null,
    replyTo: hub.replyTo ?? null,
    reactions: hub.reactions ?? [],
  };
}

/** The canonical send body as the hub's `SendMessage` argument; `clientMsgId` travels as `tempId`. */
export function toHubSendDto(body: {
  receiverId: number;
  messageType?: SendableMessageType;
  content: string;
  extra?: Record<string, unknown> | null;
  clientMsgId?: string | null;
  replyToId?: number | null;
}): HubSendMessageDto {
  const dto: HubSendMessageDto = {
    receiverId: body.receiverId,
    messageType: HUB_MESSAGE_TYPE[body.messageType ?? 'TEXT'],
    content: body.content,
  };
  if (body.clientMsgId) dto.tempId = body.clientMsgId;
  if (body.extra) dto.extraData = JSON.stringify(body.extra);
  if (body.replyToId) dto.replyToId = body.replyToId;
  return dto;
}

function parseExtraData(extraData: string | null | undefined): Record<string, unknown> | null {
  if (!extraData) return null;
  try {
    const value = JSON.parse(extraData) as unknown;
    return value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}
