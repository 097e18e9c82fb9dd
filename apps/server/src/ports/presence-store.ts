export interface PresenceState {
  online: boolean;
  lastSeenAt: Date | null;
}

/**
 * Users whose presence changed without a call on this node: the store found that another node
 * died (its presence expired) and took its users offline. Each change is reported to exactly one
 * node of the cluster, so it is announced once.
 */
export interface PresenceExpiry {
  userIds: readonly number[];
  /** When the dead node was last known alive; becomes the users' lastSeenAt. */
  at: Date;
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
  /**
   * Registers the one handler for users taken offline because their node died (multi-node
   * stores only; a single-node store never calls it). The handler must not throw.
   */
  onExpired?(handler: (expiry: PresenceExpiry) => Promise<void>): void;
  close(): Promise<void>;
}
