import { isRetryableErrorCode, type Message } from '@parley/protocol';
import type { TypedEmitter } from './emitter.js';
import { isContentRejectedReason, ParleyError } from './errors.js';
import type { ParleyEvents } from './events.js';
import type { OutboxItem } from './outbox-item.js';
import type { Outbox } from './outbox.js';
import type { RealtimeConnection } from './realtime-connection.js';

/** @internal The client options the sender reads, on every use. */
export interface OutboxSenderLimits {
  maxInFlight?: number;
  ackTimeoutMs?: number;
}

/**
 * @internal
 * Drives the outbox over the wire: writes due items while `canWrite` (connected and
 * synced) holds, writes again after `ackTimeoutMs` without an answer, wakes at the next retry time,
 * and settles items from the server's answers (the stored message, or an error push).
 */
export class OutboxSender {
  private readonly ackTimers = new Map<string, ReturnType<typeof setTimeout>>();
  private dueTimer: ReturnType<typeof setTimeout> | null = null;

  constructor(
    private readonly outbox: Outbox,
    private readonly connection: RealtimeConnection,
    private readonly emitter: TypedEmitter<ParleyEvents>,
    private readonly canWrite: () => boolean,
    private readonly limits: OutboxSenderLimits,
  ) {}

  /** Writes due outbox items while connected and synced. */
  flush(): void {
    if (!this.canWrite()) return;
    for (const item of this.outbox.due(this.limits.maxInFlight ?? 32)) {
      if (this.connection.sendBytes(item.body) > this.connection.maxSendBytes) {
        // Left by an older run: the server would end the connection on every attempt.
        this.outbox.fail(item.clientMsgId, { code: 'PAYLOAD_TOO_LARGE', message: 'the message does not fit in one frame' });
        continue;
      }
      const ok = this.connection.sendMessage(item.body);
      if (!ok) break;
      this.outbox.markSending(item.clientMsgId);
      this.armAckTimer(item.clientMsgId);
    }
    this.armDueTimer();
  }

  /** A stored message arrived: if it is one of mine still in the outbox, that item is sent. */
  acknowledge(message: Message): void {
    const clientMsgId = message.clientMsgId === null || message.clientMsgId === undefined ? null : String(message.clientMsgId);
    if (clientMsgId === null) return;
    const item = this.outbox.get(clientMsgId);
    if (item && item.body.receiverId === message.receiverId) {
      this.clearAckTimer(clientMsgId);
      this.outbox.ack(clientMsgId, message);
      this.flush();
    }
  }

  /**
   * An error push that names an outbox item answers its SEND: retried later if the code is one of
   * RETRYABLE_ERROR_CODES, else failed for good — CONTENT_REJECTED, AWAITING_REPLY, USER_MUTED,
   * BLOCKED and the rest would be refused again, so repeating them only spams the server.
   */
  refuse(error: ParleyError): void {
    const clientMsgId = error.details.clientMsgId;
    const item = clientMsgId ? this.outbox.get(clientMsgId) : undefined;
    if (clientMsgId && item && item.state !== 'failed') {
      this.clearAckTimer(clientMsgId);
      const reason: NonNullable<OutboxItem['error']> = { code: error.code, message: error.message, ...(error.reason ? { reason: error.reason } : {}) };
      if (isRetryableErrorCode(error.code)) {
        const delay = error.details.retryAfterMs ?? Math.min(30_000, 1000 * 2 ** Math.min(item.attempts, 5));
        this.outbox.requeue(clientMsgId, Date.now() + delay, reason);
      } else {
        this.outbox.fail(clientMsgId, reason);
      }
      this.flush();
    }
  }

  waitForSent(clientMsgId: string): Promise<Message> {
    const current = this.outbox.get(clientMsgId);
    if (!current) return Promise.reject(new ParleyError('MESSAGE_NOT_FOUND', `no outbox item ${clientMsgId}`));
    if (current.state === 'failed') return Promise.reject(outboxError(current));
    return new Promise((resolve, reject) => {
      const off = this.emitter.on('outbox', (item) => {
        if (item.clientMsgId !== clientMsgId) return;
        if (item.state === 'sent' && item.message) {
          off();
          resolve(item.message);
        } else if (item.state === 'failed') {
          off();
          reject(outboxError(item));
        }
      });
    });
  }

  retry(clientMsgId: string): boolean {
    const ok = this.outbox.retry(clientMsgId);
    this.flush();
    return ok;
  }

  discard(clientMsgId: string): boolean {
    this.clearAckTimer(clientMsgId);
    return this.outbox.discard(clientMsgId);
  }

  /** After a disconnect no answer can come: every SEND in flight is written again on the next connection. */
  connectionLost(): void {
    this.clearTimers();
    this.outbox.requeueAllSending();
  }

  clearTimers(): void {
    for (const timer of this.ackTimers.values()) clearTimeout(timer);
    this.ackTimers.clear();
    if (this.dueTimer) clearTimeout(this.dueTimer);
    this.dueTimer = null;
  }

  private armAckTimer(clientMsgId: string): void {
    this.clearAckTimer(clientMsgId);
    const timer = setTimeout(() => {
      this.ackTimers.delete(clientMsgId);
      this.outbox.requeue(clientMsgId);
      this.flush();
    }, this.limits.ackTimeoutMs ?? 10_000);
    this.ackTimers.set(clientMsgId, timer);
  }

  private clearAckTimer(clientMsgId: string): void {
    const timer = this.ackTimers.get(clientMsgId);
    if (timer) clearTimeout(timer);
    this.ackTimers.delete(clientMsgId);
  }

  private armDueTimer(): void {
    if (this.dueTimer) clearTimeout(this.dueTimer);
    this.dueTimer = null;
    const next = this.outbox.nextDueAt();
    if (next === null) return;
    this.dueTimer = setTimeout(() => {
      this.dueTimer = null;
      this.flush();
    }, Math.max(0, next - Date.now()));
  }
}

function outboxError(item: OutboxItem): ParleyError {
  const code = item.error?.code as ParleyError['code'] | undefined;
  const reason = item.error?.reason;
  return new ParleyError(code ?? 'INTERNAL', item.error?.message ?? 'send failed', {
    clientMsgId: item.clientMsgId,
    ...(isContentRejectedReason(reason) ? { reason } : {}),
  });
}
