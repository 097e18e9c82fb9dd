/**
 * A user's own view of their conversations (docs/operations.md): messages hidden for them
 * ("delete for me"), per-conversation settings (pin, mute, archive), clearing a conversation for
 * them, and the conversation changes every device of theirs replays. One schema per message, the
 * types derived from them.
 */
import { Type, type Static } from '@sinclair/typebox';
import { Id } from './schemas.js';

/** Hide one message for me (STOMP body; REST takes the id from the path, SignalR as the argument). */
export const HideMessageBody = Type.Object({ messageId: Id });
export type HideMessageBody = Static<typeof HideMessageBody>;

/** The settings to change; a field left out keeps its value. */
export const ConversationSettingsBody = Type.Object({
  pinned: Type.Optional(Type.Boolean()),
  muted: Type.Optional(Type.Boolean()),
  archived: Type.Optional(Type.Boolean()),
});
export type ConversationSettingsBody = Static<typeof ConversationSettingsBody>;

/** `chat.settings`: the conversation and the settings to change. */
export const StompConversationSettingsBody = Type.Object({
  conversationId: Id,
  pinned: Type.Optional(Type.Boolean()),
  muted: Type.Optional(Type.Boolean()),
  archived: Type.Optional(Type.Boolean()),
});
export type StompConversationSettingsBody = Static<typeof StompConversationSettingsBody>;

/** Clear a conversation for me (STOMP body; REST takes the id from the path, SignalR as the argument). */
export const ClearConversationBody = Type.Object({ conversationId: Id });
export type ClearConversationBody = Static<typeof ClearConversationBody>;

/** A message hidden on the hiding user's devices (pushed and replayed to that user only). */
export interface HideNotice {
  conversationId: number;
  messageId: number;
  seq: number;
}

/** One user's settings of one conversation. */
export interface ConversationSettings {
  conversationId: number;
  pinned: boolean;
  muted: boolean;
  archived: boolean;
}

/** What a cleared conversation hides: every message up to `clearedUpToSeq`, for the clearing user only. */
export interface ConversationCleared {
  conversationId: number;
  clearedUpToSeq: number;
}

/** `ACTIVE`: the two may write to each other; `UNMATCHED`: one ended it, it is gone from both lists. */
export type ConversationState = 'ACTIVE' | 'UNMATCHED';

/**
 * A change of a conversation as one user sees it: new settings (all three flags), a clear
 * (`clearedUpToSeq`; the unread count is 0 from then on) or a new state. Fields left out did not change.
 */
export interface ConversationChange {
  conversationId: number;
  pinned?: boolean;
  muted?: boolean;
  archived?: boolean;
  clearedUpToSeq?: number;
  state?: ConversationState;
}

/** `GET /messages/unread`: unread messages over all my conversations. */
export interface UnreadTotal {
  unreadTotal: number;
}
