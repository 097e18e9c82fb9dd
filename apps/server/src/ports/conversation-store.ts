import type { Message } from '@parley/protocol';

/** One user's side of a conversation, as the conversation list and read marks need it. */
export interface ConversationSide {
  id: number;
  userId: number;
  peerId: number;
  lastSeq: number;
  lastMessage: Message | null;
  lastMessageAt: Date | null;
  /** Microseconds since the epoch of the last activity: the exact sort key of the list. */
  activityUs: number;
  unreadCount: number;
  myReadUpToSeq: number;
  peerReadUpToSeq: number;
}

export interface ConversationCursor {
  activityUs: number;
  id: number;
}

export interface ConversationStore {
  /** The conversation of the unordered pair, or null when they never talked. */
  findByPair(userA: number, userB: number): Promise<{ id: number } | null>;
  exists(conversationId: number): Promise<boolean>;
  /** The caller's side of a conversation; null when it does not exist or the user is not in it. */
  getSide(conversationId: number, userId: number): Promise<ConversationSide | null>;
  /** The user's conversations, newest activity first, strictly older than `before`. */
  listSides(userId: number, before: ConversationCursor | null, limit: number): Promise<ConversationSide[]>;
  /** Ids of everyone who shares a conversation with the user. */
  peersOf(userId: number): Promise<number[]>;
  /** Of `candidates`, those that share a conversation with the user. */
  filterPeers(userId: number, candidates: readonly number[]): Promise<Set<number>>;
}
