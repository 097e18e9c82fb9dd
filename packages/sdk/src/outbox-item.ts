import type { Message, SendMessageBody } from '@parley/protocol';

/**
 * Life of an outgoing message: `queued` (waiting for a connection or its retry time) → `sending`
 * (written, no answer yet) → `sent` (the server's stored message arrived) or `failed` (the server
 * refused it for good; `retry` queues it again, `discard` drops it).
 */
export type OutboxState = 'queued' | 'sending' | 'sent' | 'failed';

/** What is written for one outgoing message: the send body with its clientMsgId. */
export type OutboxBody = SendMessageBody & { clientMsgId: string };

/** One outgoing message. Plain JSON so that any storage can keep it. */
export interface OutboxItem {
  /** The sender's own id of the message; the server makes a repeat with this id a no-op. */
  clientMsgId: string;
  body: OutboxBody;
  /** When the app sent it, epoch ms; outbox order. */
  createdAt: number;
  /** Sends written so far. */
  attempts: number;
  state: OutboxState;
  /** Not to be sent before this time, epoch ms (rate limit or retry delay). */
  notBefore: number;
  /** Why the last attempt failed; `reason` names the rule that refused the content (CONTENT_REJECTED). */
  error: { code: string; message: string; reason?: string } | null;
  /** The stored message, once `sent`. */
  message: Message | null;
}
