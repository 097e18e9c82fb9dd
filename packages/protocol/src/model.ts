/** Canonical (REST and STOMP) shapes; docs/operations.md describes them. Ids are positive integers below 2^53. */
import type { ContentRejectedReason, ErrorCode } from './errors.js';
import type { PushBodies } from './push-kinds.js';
import type { SyncEventType } from './sync-events.js';

export const MESSAGE_TYPES = [
  'TEXT',
  'IMAGE',
  'VOICE',
  'VIDEO',
  'EMOJI',
  'EXCHANGE_WECHAT_REQUEST',
  'EXCHANGE_WECHAT_RESULT',
  'EXCHANGE_PHOTO_REQUEST',
  'EXCHANGE_PHOTO_RESULT',
  /** Chosen by the host app: `extra` is its own JSON object, `content` a fallback text for clients that do not know it. */
  'CUSTOM',
] as const;
export type MessageType = (typeof MESSAGE_TYPES)[number];

/** Types a client may send with `send`; exchange messages come only from the exchange operations. */
export const SENDABLE_MESSAGE_TYPES = ['TEXT', 'IMAGE', 'VOICE', 'VIDEO', 'EMOJI', 'CUSTOM'] as const;
export type SendableMessageType = (typeof SENDABLE_MESSAGE_TYPES)[number];

export type MessageStatus = 'NORMAL' | 'RECALLED';
export type ExchangeKind = 'WECHAT' | 'PHOTO';
/** What an accepted exchange reveals of one side: the WeChat id or the photo URLs. */
export interface ExchangedData {
  userId: number;
  wechatId?: string;
  photoUrls?: string[];
}

export interface Message {
  id: number;
  conversationId: number;
  /** Gap-free per conversation: 1, 2, 3, … in commit order. */
  seq: number;
  senderId: number;
  receiverId: number;
  messageType: MessageType;
  content: string;
  extra: Record<string, unknown> | null;
  status: MessageStatus;
  isRead: boolean;
  clientMsgId: string | null;
  /** ISO-8601 UTC. */
  createdAt: string;
  /** When the sender last edited the content (TEXT only); null when never edited. */
  editedAt: string | null;
  /** The message this one replies to, as it was when this one was sent; null when it is no reply. */
  replyTo: ReplySnapshot | null;
  /** One entry per emoji in use, in the order each was first chosen; empty when nobody reacted. */
  reactions: ReactionGroup[];
}

/** What a reply shows of the message it quotes, taken when the reply was sent. */
export interface ReplySnapshot {
  id: number;
  seq: number;
  senderId: number;
  messageType: MessageType;
  /** The quoted content, cut to at most 100 characters; empty for media and exchange messages. */
  preview: string;
}

/** The users who reacted to a message with one emoji, earliest first. */
export interface ReactionGroup {
  emoji: string;
  userIds: number[];
}

export interface PeerProfile {
  id: number;
  name: string | null;
  avatarUrl: string | null;
  online: boolean;
  lastSeenAt: string | null;
}

export interface Conversation {
  id: number;
  peer: PeerProfile;
  lastMessage: Message | null;
  lastMessageTime: string | null;
  lastSeq: number;
  unreadCount: number;
  myReadUpToSeq: number;
  /** Null unless both sides share read receipts (either may turn them off: `/users/me/settings`). */
  peerReadUpToSeq: number | null;
  /** Mine: pinned conversations come first, most recent pin first. */
  pinned: boolean;
  /** Mine: no notifications. */
  muted: boolean;
  /** Mine: left out of the list unless archived ones are asked for. */
  archived: boolean;
}

export interface ConversationPage {
  items: Conversation[];
  /** The caller's latest userSeq: a client starts `/sync` from here. */
  userSeq: number;
  /** Pass as `before` for the next (older) page; null on the last page. */
  nextBefore: string | null;
  /** Unread messages over all my conversations (archived and muted ones included). */
  unreadTotal: number;
}

export interface HistoryPage {
  /** Always ascending by seq. */
  items: Message[];
  hasMore: boolean;
}

/** Pushed to the peer (and the reader's other devices) when a conversation is marked read. */
export interface ReadReceipt {
  conversationId: number;
  readerId: number;
  readUpToSeq: number;
}

export interface TypingNotice {
  conversationId: number;
  userId: number;
  typing: boolean;
}

export interface PresenceChange {
  userId: number;
  online: boolean;
  lastSeenAt: string | null;
}

export interface RecallNotice {
  conversationId: number;
  messageId: number;
  seq: number;
}

/**
 * A user set, replaced or removed (`emoji` null) their reaction to a message; `reactions` is the
 * message's whole reaction list after the change, so applying the latest notice is enough.
 */
export interface ReactionNotice {
  conversationId: number;
  messageId: number;
  seq: number;
  userId: number;
  emoji: string | null;
  reactions: ReactionGroup[];
}

/** The answer to an exchange request; `exchangedData` is the other side's data, only when accepted. */
export interface ExchangeAnswer {
  messageId: number;
  requesterId: number;
  responderId: number;
  kind: ExchangeKind;
  accepted: boolean;
  exchangedData: ExchangedData | null;
}

/** A failed STOMP command, pushed on `/user/queue/errors`: `clientMsgId` as the client sent it, `destination` the SEND's. */
export interface ErrorPush {
  code: ErrorCode;
  message: string;
  clientMsgId?: string | number;
  destination: string;
  retryAfterMs?: number;
  /** With CONTENT_REJECTED: which rule refused the content. */
  reason?: ContentRejectedReason;
}

/** A profile as its owner (or the admin API) sees it, private fields included (`GET /users/me`). */
export interface OwnProfile {
  id: number;
  name: string | null;
  avatarUrl: string | null;
  /** Private: revealed to a peer only inside an accepted exchange. */
  wechatId: string | null;
  /** Private: revealed to a peer only inside an accepted exchange. */
  photoUrls: string[];
  createdAt: string;
}

export interface PresenceItem {
  userId: number;
  online: boolean;
  lastSeenAt: string | null;
}

export interface BlockItem {
  userId: number;
  createdAt: string;
}

export interface UploadedMedia {
  url: string;
  mime: string;
  size: number;
  width?: number;
  height?: number;
  thumbnailUrl?: string;
}

/** One entry of a user's update log as `/sync` replays it; `type` is one of SYNC_EVENT_TYPES. */
export type SyncEvent = { [T in SyncEventType]: { userSeq: number; type: T; data: PushBodies[T] } }[SyncEventType];

export interface SyncPage {
  events: SyncEvent[];
  userSeq: number;
  hasMore: boolean;
}
