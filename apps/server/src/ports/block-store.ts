export interface BlockStore {
  /** Idempotent. */
  block(blockerId: number, blockedId: number): Promise<void>;
  /** Idempotent. */
  unblock(blockerId: number, blockedId: number): Promise<void>;
  list(blockerId: number): Promise<{ userId: number; createdAt: Date }[]>;
  isBlocked(blockerId: number, blockedId: number): Promise<boolean>;
}
