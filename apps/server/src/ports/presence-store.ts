export interface PresenceState {
  online: boolean;
  lastSeenAt: Date | null;
}

/**
 * Who is online on any node. A user is online while at least one node holds a connection of
 * theirs; a node that dies stops counting after a bounded time (Redis TTL).
 */
export interface PresenceStore {
  /** This node now holds ≥1 connection of the user. True when the user was offline everywhere before. */
  userConnected(userId: number): Promise<boolean>;
  /** This node holds no connection of the user any more. True when the user is now offline everywhere. */
  userDisconnected(userId: number, at: Date): Promise<boolean>;
  /** State of each id; unknown users are offline with lastSeenAt null. */
  lookup(userIds: readonly number[]): Promise<Map<number, PresenceState>>;
  close(): Promise<void>;
}
