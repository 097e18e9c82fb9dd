import type { Message } from '@parley/protocol';

export interface SearchRequest {
  /** The searching user: only messages they sent or received are found. */
  userId: number;
  /** Trimmed, 2–64 characters; matched as a case-insensitive substring. */
  text: string;
  /** Only the conversation with this user, when set. */
  peerId: number | null;
  /** Only messages with a smaller id (the previous page's last), when set. */
  beforeId: number | null;
  limit: number;
}

export interface FoundMessage {
  message: Message;
  peerId: number;
}

/**
 * Finds a user's TEXT messages (and CUSTOM fallback texts) containing a text, newest first,
 * leaving out what that user no longer sees: recalled messages, messages hidden or cleared for
 * them, and unmatched conversations. The messages are as the user sees them.
 */
export interface MessageSearch {
  search(request: SearchRequest): Promise<FoundMessage[]>;
}
