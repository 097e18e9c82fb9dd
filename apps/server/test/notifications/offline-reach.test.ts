/**
 * Which sends carry an offline notification, decided by the messaging service on the memory
 * presence port: a receiver with a live connection anywhere gets none, an offline one does, an
 * exchange result never, and a presence that cannot be read marks none without failing the send.
 */
import { describe, expect, it } from 'vitest';
import type { Message } from '@parley/protocol';
import { systemClock } from '../../src/ports/clock.js';
import type { MessageStore, NewMessage, SendOutcome } from '../../src/ports/message-store.js';
import type { PresenceStore } from '../../src/ports/presence-store.js';
import { MemoryPresenceStore } from '../../src/realtime/memory-presence-store.js';
import type { MessagePublisher } from '../../src/services/message-publisher.js';
import { MessagingService, type MessagingDeps } from '../../src/services/messaging-service.js';
import type { SendBudget } from '../../src/services/send-budget.js';

/** Records what reached the store and answers each item as stored. */
function recordingStore(written: NewMessage[]): MessageStore {
  let id = 0;
  return {
    async appendBatch(items: readonly NewMessage[]): Promise<SendOutcome[]> {
      written.push(...items);
      return items.map((item) => {
        const message = { id: ++id, conversationId: 1, seq: id, senderId: item.senderId, receiverId: item.receiverId, messageType: item.messageType, content: item.content } as Message;
        return { kind: 'stored', message, userSeqs: new Map([[item.senderId, id]]) };
      });
    },
  } as unknown as MessageStore;
}

function messagingWith(presence: PresenceStore | null, written: NewMessage[], failures: unknown[] = []): MessagingService {
  const deps = {
    messages: recordingStore(written),
    budget: { spend: async () => {} } as unknown as SendBudget,
    publisher: { publish: async () => {} } as unknown as MessagePublisher,
    clock: systemClock,
    mediaUrl: (key: string) => `/media/${key}`,
    batch: { maxBatch: 64, concurrency: 1 },
    ...(presence ? { offlineReach: { presence, onLookupFailed: (error: unknown) => failures.push(error) } } : {}),
  } as unknown as MessagingDeps;
  return new MessagingService(deps);
}

const text = (receiverId: number, content: string) => ({ receiverId, messageType: 'TEXT' as const, content, clientMsgId: content });

describe('offline reach on the send path', () => {
  it('marks only the sends whose receiver has no live connection', async () => {
    const presence = new MemoryPresenceStore();
    await presence.userConnected(2);
    const written: NewMessage[] = [];
    const messaging = messagingWith(presence, written);
    await Promise.all([messaging.send(1, text(2, 'to the online one')), messaging.send(1, text(3, 'to the offline one'))]);
    await presence.userDisconnected(2, new Date());
    await messaging.send(1, text(2, 'gone now'));
    expect(written.map((m) => [m.content, m.notifyReceiver])).toEqual([
      ['to the online one', false],
      ['to the offline one', true],
      ['gone now', true],
    ]);
  });

  it('marks nothing when no notification channel is enabled', async () => {
    const written: NewMessage[] = [];
    await messagingWith(null, written).send(1, text(3, 'quiet'));
    expect(written[0]!.notifyReceiver).toBeUndefined();
  });

  it('still stores the message when presence cannot be read, without a notification', async () => {
    const broken = { lookup: async () => Promise.reject(new Error('redis down')) } as unknown as PresenceStore;
    const written: NewMessage[] = [];
    const failures: unknown[] = [];
    const result = await messagingWith(broken, written, failures).send(1, text(3, 'stored anyway'));
    expect(result.duplicate).toBe(false);
    expect(written[0]!.notifyReceiver).toBeUndefined();
    expect(failures).toHaveLength(1);
  });
});
