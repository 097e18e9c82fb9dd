import type { WordLists } from '../domain/safety/word-matcher.js';

/** The moderation word lists as stored, with the version every change increments. */
export interface StoredWordLists extends WordLists {
  readonly version: number;
}

/** What the send path's safety controls read from the database, and the admin's word lists. */
export interface SafetyStore {
  /** Whether the two users have a WeChat exchange one of them accepted (the contact guard then stands aside). */
  hasAcceptedWeChatExchange(userA: number, userB: number): Promise<boolean>;
  /** The current version of the word lists: cheap enough to poll every few seconds. */
  wordListsVersion(): Promise<number>;
  wordLists(): Promise<StoredWordLists>;
  /** Replaces both lists at once; returns the new version. */
  replaceWordLists(lists: WordLists): Promise<number>;
}
