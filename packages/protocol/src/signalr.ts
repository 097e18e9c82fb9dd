/**
 * The SignalR door's shapes (docs/signalr.md). The canonical Message converts to a HubMessage and
 * the integer message types map to the canonical names, both ways.
 */
import type { Message, MessageType, ReactionGroup, ReplySnapshot } from './model.js';

export const HUB_MESSAGE_TYPE: Record<MessageType, number> = {
  TEXT: 1,
  VOICE: 2,
  IMAGE: 3,
  EXCHANGE_WECHAT_REQUEST: 4,
  EXCHANGE_WECHAT_RESULT: 5,
  EXCHANGE_PHOTO_REQUEST: 6,
  EXCHANGE_PHOTO_RESULT: 7,
  VIDEO: 8,
  EMOJI: 9,
  CUSTOM: 10,
};

export const MESSAGE_TYPE_BY_HUB_NUMBER: Record<number, MessageType> = Object.fromEntries(
  Object.entries(HUB_MESSAGE_TYPE).map(([name, n]) => [n, name as MessageType]),
);

export interface HubMessage {
  id: number;
  sessionId: number;
  seq: number;
  senderId: number;
  receiverId: number;
  messageType: number;
  content: string;
  voiceUrl: string | null;
  /** Seconds, rounded up. */
  voiceDuration: number | null;
  /** `extra` as a JSON string. */
  extraData: string | null;
  /** 1 normal, 2 recalled. */
  status: 1 | 2;
  isRead: boolean;
  createTime: string;
  tempId?: string;
  /** Present once the sender edited the content. */
  editedAt?: string;
  /** Present on a reply: the quoted message (`messageType` canonical, as in `replyTo` of the canonical message). */
  replyTo?: ReplySnapshot;
  /** Present once someone reacted. */
  reactions?: ReactionGroup[];
}

export function toHubMessage(m: Message): HubMessage {
  const isVoice = m.messageType === 'VOICE';
  const durationMs = isVoice && m.extra && typeof m.extra.durationMs === 'number' ? m.extra.durationMs : null;
  const hub: HubMessage = {
    id: m.id,
    sessionId: m.conversationId,
    seq: m.seq,
    senderId: m.senderId,
    receiverId: m.receiverId,
    messageType: HUB_MESSAGE_TYPE[m.messageType],
    content: m.content,
    voiceUrl: isVoice && m.content ? m.content : null,
    voiceDuration: durationMs === null ? null : Math.ceil(durationMs / 1000),
    extraData: m.extra === null ? null : JSON.stringify(m.extra),
    status: m.status === 'RECALLED' ? 2 : 1,
    isRead: m.isRead,
    createTime: m.createdAt,
  };
  if (m.clientMsgId !== null) hub.tempId = m.clientMsgId;
  // Added fields appear only when they say something, so a plain message keeps the ChatHub shape exactly.
  if (m.editedAt !== null) hub.editedAt = m.editedAt;
  if (m.replyTo !== null) hub.replyTo = m.replyTo;
  if (m.reactions.length > 0) hub.reactions = m.reactions;
  return hub;
}
