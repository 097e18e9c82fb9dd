/**
 * The worker's bookkeeping against a recording outbox store: each channel's outcome becomes the
 * row's result (a retry scheduled with backoff, the tenth failed attempt given up and logged, a
 * throwing channel retried rather than lost), and dropped notifications never reach a channel.
 */
import { describe, expect, it } from 'vitest';
import type { AttemptResult, ClaimedDelivery, ClosingNotification, NotificationClosure, OutboxStore } from '../ports/outbox-store.js';
import type { DeliveryOutcome, NotificationChannel, NotificationPayload } from './channel.js';
import { OutboxWorker, type OutboxObserver } from './outbox-worker.js';

function storeWith(closing: ClosingNotification[], claimed: ClaimedDelivery[]) {
  const closures: NotificationClosure[] = [];
  const finished: { notificationId: number; channel: string; result: AttemptResult }[] = [];
  const store = {
    async closeDueNotifications(_limit: number, _channels: readonly string[], settle: (n: ClosingNotification) => NotificationClosure) {
      closures.push(...closing.map(settle));
      return closing.length;
    },
    async claimDeliveries() {
      return claimed;
    },
    async finishDeliveries(results: typeof finished) {
      finished.push(...results);
    },
    async claimEvents() {
      return [];
    },
    async finishEvents() {},
    async purgeFinished() {
      return 0;
    },
  } as unknown as OutboxStore;
  return { store, closures, finished };
}

function recordingObserver() {
  const failures: unknown[] = [];
  const outcomes: string[] = [];
  const observer: OutboxObserver = {
    outcome: (channel, outcome) => outcomes.push(`${channel}:${outcome}`),
    delivered: () => {},
    finalFailure: (record) => failures.push(record),
    stepFailed: (error) => {
      throw error;
    },
  };
  return { observer, failures, outcomes };
}

const channel = (outcome: () => Promise<DeliveryOutcome>, seen: NotificationPayload[] = []): NotificationChannel => ({
  name: 'webhook',
  deliver: (n) => {
    seen.push(n);
    return outcome();
  },
});

const claimed = (notificationId: number, attempts: number): ClaimedDelivery => ({
  notificationId,
  channel: 'webhook',
  attempts,
  payload: { id: `n_${notificationId}` },
  createdAt: new Date(),
});

const workerOn = (store: OutboxStore, ch: NotificationChannel, observer: OutboxObserver) =>
  new OutboxWorker({ store, channels: [ch], events: null, preview: 'sender', pollMs: 1000, retentionMs: 1000, leaseMs: 1000, observer, random: () => 0.5 });

describe('outbox worker', () => {
  it('schedules a retry with backoff, and gives up on the tenth attempt with one log record', async () => {
    const { store, finished } = storeWith([], [claimed(1, 1), claimed(2, 10)]);
    const { observer, failures, outcomes } = recordingObserver();
    await workerOn(store, channel(async () => ({ kind: 'retry', error: 'HTTP 503' })), observer).step();
    expect(finished).toEqual([
      { notificationId: 1, channel: 'webhook', result: { status: 'RETRY', error: 'HTTP 503', inMs: 1000 } },
      { notificationId: 2, channel: 'webhook', result: { status: 'FAILED', error: 'HTTP 503 (gave up after 10 attempts)' } },
    ]);
    expect(failures).toEqual([{ kind: 'notification', id: 'n_2', channel: 'webhook', attempts: 10, error: 'HTTP 503 (gave up after 10 attempts)' }]);
    expect(outcomes).toEqual(['webhook:retry', 'webhook:failed']);
  });

  it('retries a channel that throws instead of losing the row', async () => {
    const { store, finished } = storeWith([], [claimed(3, 2)]);
    await workerOn(store, channel(async () => Promise.reject(new Error('surprise'))), recordingObserver().observer).step();
    expect(finished[0]!.result).toEqual({ status: 'RETRY', error: 'channel threw: surprise', inMs: 2600 });
  });

  it('fixes the payload when closing, and drops a notification whose messages were all recalled', async () => {
    const base = { conversationId: 7, receiverId: 2, senderId: 1, senderName: 'Alice', muted: false, unreadTotal: 4, createdAt: new Date('2026-12-06T10:00:00Z') };
    const { store, closures } = storeWith(
      [
        { ...base, id: 1, remainingCount: 2, unreadCount: 2, latestUnread: { messageType: 'TEXT', content: 'there' } },
        { ...base, id: 2, remainingCount: 0, unreadCount: 0, latestUnread: null },
      ],
      [],
    );
    const { observer, outcomes } = recordingObserver();
    await workerOn(store, channel(async () => ({ kind: 'sent' })), observer).step();
    expect(closures).toEqual([
      {
        payload: {
          id: 'n_1',
          userId: 2,
          conversationId: 7,
          senderId: 1,
          senderName: 'Alice',
          count: 2,
          preview: { title: 'Alice', body: 'New message' },
          unreadTotal: 4,
          createdAt: '2026-12-06T10:00:00.000Z',
        },
      },
      { drop: 'recalled' },
    ]);
    expect(outcomes).toEqual(['all:dropped']);
  });
});
