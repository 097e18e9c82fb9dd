/** What an unmatch (or its undo) logged for each side: the position of its `conversation` entry in that user's update log. */
export type UnmatchOutcome = { kind: 'changed'; userSeqs: Map<number, number> } | { kind: 'already' };

/** Conversations one side ended: nobody may write in them again until an operator restores them. */
export interface UnmatchStore {
  /** Marks the conversation unmatched and logs the change for both users, in one transaction. */
  unmatch(conversationId: number, byUserId: number, participants: readonly [number, number]): Promise<UnmatchOutcome>;
  /** Removes the mark and logs the change for both users; `already` when the conversation was not unmatched. */
  restore(conversationId: number, participants: readonly [number, number]): Promise<UnmatchOutcome>;
  isUnmatched(conversationId: number): Promise<boolean>;
}
