import type { MessageType } from '@parley/protocol';

/** The message as the before-send hook is shown it: after the contact guard and the word filter. */
export interface HookMessage {
  senderId: number;
  receiverId: number;
  /** Null when the two have no conversation yet. */
  conversationId: number | null;
  messageType: MessageType;
  content: string;
  extra: Record<string, unknown> | null;
  clientMsgId: string | null;
}

/**
 * The hook's decision, or `unreachable` when there was none to read (a timeout, a connection
 * error, another status, an answer that is not one of the three actions).
 */
export type HookDecision =
  | { action: 'allow' }
  | { action: 'reject'; reason: string }
  | { action: 'replace'; content: string }
  | { action: 'unreachable'; problem: string };

/** The host application's before-send hook. */
export interface SendHook {
  review(message: HookMessage): Promise<HookDecision>;
}
