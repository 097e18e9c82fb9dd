import { LIMITS } from '@parley/protocol';
import { AppError } from '../domain/app-error.js';
import type { BlockStore } from '../ports/block-store.js';
import type { ConversationStore } from '../ports/conversation-store.js';
import type { RateLimiter } from '../ports/rate-limiter.js';
import type { DeliveryService } from './delivery-service.js';

/**
 * "Typing…" notices: not stored, rate-limited, and ended by the server 6 s after the last
 * renewal so a client that vanished mid-word does not leave its peer waiting.
 */
export class TypingService {
  private readonly expiries = new Map<string, NodeJS.Timeout>();

  constructor(
    private readonly deps: { conversations: ConversationStore; blocks: BlockStore; limiter: RateLimiter; delivery: DeliveryService },
    private readonly expiryMs: number = LIMITS.typingExpiryMs,
  ) {}

  /** Returns false when the notice was dropped (over the rate, or the receiver blocked the user). */
  async typing(userId: number, receiverId: number, typing: boolean): Promise<boolean> {
    if (receiverId === userId) throw new AppError('SELF_CHAT', 'receiverId: you cannot type to yourself');
    // Every notice counts, `typing:false` too, and before any lookup: otherwise a client could
    // flood its peer (and the database) with "stopped typing". A dropped `false` costs little —
    // the server ends the indicator itself when the last `true` expires.
    const decision = await this.deps.limiter.consume(`typing:${userId}`);
    if (!decision.allowed) return false;
    const conversation = await this.deps.conversations.findByPair(userId, receiverId);
    if (!conversation) throw new AppError('CONVERSATION_NOT_FOUND', `you have no conversation with user ${receiverId}`);
    const key = `${userId}:${receiverId}`;
    if (await this.deps.blocks.isBlocked(receiverId, userId)) return false;
    clearTimeout(this.expiries.get(key));
    this.expiries.delete(key);
    if (typing) {
      const timer = setTimeout(() => {
        this.expiries.delete(key);
        void this.publish(conversation.id, userId, receiverId, false).catch(() => {});
      }, this.expiryMs);
      timer.unref();
      this.expiries.set(key, timer);
    }
    await this.publish(conversation.id, userId, receiverId, typing);
    return true;
  }

  /** Stops every pending expiry timer (shutdown). */
  close(): void {
    for (const timer of this.expiries.values()) clearTimeout(timer);
    this.expiries.clear();
  }

  private publish(conversationId: number, userId: number, receiverId: number, typing: boolean): Promise<void> {
    return this.deps.delivery.publish({
      kind: 'typing',
      body: { conversationId, userId, typing },
      recipients: [{ userId: receiverId, userSeq: null }],
    });
  }
}
