import type { ConversationSettings, HideNotice } from '@parley/protocol';

/** The settings a change asks for; a field left out keeps its value. */
export interface SettingsPatch {
  pinned?: boolean;
  muted?: boolean;
  archived?: boolean;
}

/**
 * What a change of one user's own view wrote. `userSeq` is that user's log position of the
 * change, null when nothing changed (hiding a message already hidden, settings already so,
 * clearing a conversation already cleared): then nothing was logged and nothing is pushed.
 */
export type HideOutcome = { kind: 'done'; notice: HideNotice; userSeq: number | null } | { kind: 'not-found' };
export type SettingsOutcome = { kind: 'done'; settings: ConversationSettings; userSeq: number | null } | { kind: 'unmatched' };
export type ClearOutcome = { kind: 'done'; clearedUpToSeq: number; userSeq: number | null } | { kind: 'unmatched' };

/**
 * Each user's own view of their conversations: messages hidden for them, their settings of a
 * conversation, and clearing it for them. Every change is logged in that user's update log only,
 * in the same transaction. Unmatched conversations are gone from both users' views.
 */
export interface ConversationStateStore {
  /** Hides a message of the user's own conversations for them; not-found for any other id or an unmatched conversation. */
  hide(userId: number, messageId: number): Promise<HideOutcome>;
  /** Changes the user's settings of a conversation they are in (the caller checked that). */
  updateSettings(userId: number, conversationId: number, patch: SettingsPatch): Promise<SettingsOutcome>;
  /** Hides the conversation's history up to its last message for the user and sets their unread count to 0. */
  clear(userId: number, conversationId: number): Promise<ClearOutcome>;
  /** Unread messages over the user's conversations, unmatched ones left out. */
  unreadTotal(userId: number): Promise<number>;
  /** Whether the user still sees the message: theirs, not hidden or cleared for them, and not in an unmatched conversation. */
  isVisible(userId: number, messageId: number): Promise<boolean>;
}
