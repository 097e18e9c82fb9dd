import { describe, expect, it } from 'vitest';
import type { BlockStore } from '../ports/block-store.js';
import type { ConversationStore } from '../ports/conversation-store.js';
import type { RateLimiter } from '../ports/rate-limiter.js';
import type { DeliveryService } from './delivery-service.js';
import { TypingService } from './typing-service.js';

/** A bucket that never refills: `budget` notices, then refusals. */
function budgetOf(budget: number): RateLimiter {
  let left = budget;
  return { consume: async () => (left-- > 0 ? { allowed: true } : { allowed: false, retryAfterMs: 500 }) };
}

function typingService(budget: number) {
  const published: unknown[] = [];
  const service = new TypingService({
    conversations: { findByPair: async () => ({ id: 1 }) } as unknown as ConversationStore,
    blocks: { isBlocked: async () => false } as unknown as BlockStore,
    limiter: budgetOf(budget),
    delivery: { publish: async (event: { body: unknown }) => void published.push(event.body) } as unknown as DeliveryService,
  });
  return { service, published };
}

describe('TypingService rate limit', () => {
  it('counts typing:false like typing:true, so neither can flood the peer', async () => {
    const { service, published } = typingService(2);
    try {
      const answers = [];
      for (let i = 0; i < 10; i++) answers.push(await service.typing(7, 9, false));
      expect(answers.filter(Boolean)).toHaveLength(2);
      expect(published).toHaveLength(2);
    } finally {
      service.close();
    }
  });

  it('shares one budget between true and false', async () => {
    const { service, published } = typingService(2);
    try {
      expect(await service.typing(7, 9, true)).toBe(true);
      expect(await service.typing(7, 9, false)).toBe(true);
      expect(await service.typing(7, 9, true)).toBe(false);
      expect(await service.typing(7, 9, false)).toBe(false);
      expect(published).toEqual([
        { conversationId: 1, userId: 7, typing: true },
        { conversationId: 1, userId: 7, typing: false },
      ]);
    } finally {
      service.close();
    }
  });
});
