import type { Message, ReactionNotice } from '@parley/protocol';
import type { LoggedFor } from './message-store.js';

export interface TextEdit {
  messageId: number;
  /** The new content, already checked and screened. */
  content: string;
  /** The message's `extra` as clients see it after the edit (a reply's quote is kept by the store). */
  extra: Record<string, unknown> | null;
}

export type EditOutcome =
  | ({ kind: 'edited'; message: Message } & LoggedFor)
  /** Content and extra were already these (a retried edit): nothing was written or logged. */
  | { kind: 'unchanged'; message: Message }
  /** Recalled meanwhile: nothing was written. */
  | { kind: 'recalled'; message: Message };

export interface ReactionChange {
  messageId: number;
  userId: number;
  /** The reaction to set (replacing the user's previous one); null removes it. */
  emoji: string | null;
}

export type ReactionOutcome =
  | ({ kind: 'changed'; notice: ReactionNotice } & LoggedFor)
  /** The user's reaction already was this (a retry, or removing none): nothing was written or logged. */
  | { kind: 'unchanged'; notice: ReactionNotice }
  /** Recalled meanwhile: nothing was written. */
  | { kind: 'recalled' };

/**
 * Changes to a message after it was sent. Each runs in one transaction with the conversation
 * locked (so it orders with recalls and sends) and logs an entry for both participants, with
 * their next gap-free userSeq; a write that changes nothing logs nothing. The caller has
 * checked who may make the change.
 */
export interface MessageEditStore {
  /** Replaces a message's content and extra and sets `editedAt`; logs an `edit` entry. */
  editText(edit: TextEdit): Promise<EditOutcome>;
  /** Sets, replaces or removes one user's reaction to a message; logs a `reaction` entry with the notice. */
  react(change: ReactionChange): Promise<ReactionOutcome>;
}
