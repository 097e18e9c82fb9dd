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
  /** This member's settings: pinned since (null: not pinned), muted, archived. */
  pinnedAt: Date | null;
  muted: boolean;
  archived: boolean;
}

/** Where a page of the list ends: the order is pin time (null: not pinned), then activity, then id. */
export interface ConversationCursor {
  pinnedAt?: Date | null;
  activityUs: number;
  id: number;
}

/** Which conversations a list shows: the archived ones, or all others. */
export interface ListView {
  archived: boolean;
}

/** What the visibility of presence between a user and one conversation peer depends on. */
export interface PeerRelation {
  peerId: number;
  /** One of the two blocked the other (either direction). */
  blocked: boolean;
  /** Each of the two has sent at least one message in their conversation. */
  bothWrote: boolean;
}

export interface ConversationStore {
  /** The conversation of the unordered pair, or null when they never talked. */
  findByPair(userA: number, userB: number): Promise<{ id: number } | null>;
  exists(conversationId: number): Promise<boolean>;
  /** The two users of a conversation, lower id first; null when it does not exist. */
  participants(conversationId: number): Promise<[number, number] | null>;
  /** The caller's side of a conversation; null when it does not exist or the user is not in it. */
  getSide(conversationId: number, userId: number): Promise<ConversationSide | null>;
  /**
   * The user's listed conversations of one view (archived or not), pinned first (most recent pin
   * first), then newest activity first, strictly after `before` in that order. Cleared
   * conversations without a newer message and unmatched ones are left out; `lastMessage` is the
   * last message the user still sees.
   */
  listSides(userId: number, before: ConversationCursor | null, limit: number, view?: ListView): Promise<ConversationSide[]>;
  /**
   * Everyone who shares a conversation with the user (only those among `candidates` when
   * given), with their block state and whether both wrote — in one query. `bothWrote` is
   * computed only when `withWriting` is true (it is false otherwise), as it costs a look into
   * the messages.
   */
  peerRelations(userId: number, options: { candidates?: readonly number[]; withWriting: boolean }): Promise<PeerRelation[]>;
}
