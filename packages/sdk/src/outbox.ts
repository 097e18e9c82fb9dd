import type { Message } from '@parley/protocol';
import type { OutboxBody, OutboxItem } from './outbox-item.js';
import type { OutboxStorage } from './outbox-storage.js';

export type { OutboxBody, OutboxItem, OutboxState } from './outbox-item.js';

/** Generates a clientMsgId: unique per sender, ≤ 64 characters. */
export function newClientMsgId(): string {
  const uuid = (globalThis as { crypto?: { randomUUID?: () => string } }).crypto?.randomUUID?.();
  if (uuid) return `c-${uuid}`;
  const rand = () => Math.floor(Math.random() * 0x1_0000_0000).toString(36);
  return `c-${Date.now().toString(36)}-${rand()}${rand()}${rand()}`;
}

/**
 * The ordered set of unacknowledged messages and their state machine. It schedules nothing itself:
 * the client asks which items are due, and reports what the server answered. Every change is
 * written through to the storage and reported to `onChange`.
 */
export class Outbox {
  private readonly items = new Map<string, OutboxItem>();

  constructor(
    private readonly storage: OutboxStorage,
    private readonly onChange: (item: OutboxItem) => void,
    private readonly onStorageError: (error: unknown) => void = () => undefined,
    private readonly now: () => number = Date.now,
  ) {}

  /** Loads what a previous run left; anything that was in flight is queued again. */
  async load(): Promise<void> {
    const stored = await this.storage.load();
    for (const item of stored.sort((a, b) => a.createdAt - b.createdAt)) {
      if (this.items.has(item.clientMsgId) || item.state === 'sent') continue;
      if (item.state === 'sending') item.state = 'queued';
      this.items.set(item.clientMsgId, item);
    }
  }

  /** Adds a message, persisted before this resolves. A clientMsgId already present returns that item. */
  async add(body: OutboxBody): Promise<OutboxItem> {
    const existing = this.items.get(body.clientMsgId);
    if (existing) return existing;
    const item: OutboxItem = {
      clientMsgId: body.clientMsgId,
      body,
      createdAt: this.now(),
      attempts: 0,
      state: 'queued',
      notBefore: 0,
      error: null,
      message: null,
    };
    this.items.set(item.clientMsgId, item);
    await this.storage.put(item);
    this.onChange(item);
    return item;
  }

  get(clientMsgId: string): OutboxItem | undefined {
    return this.items.get(clientMsgId);
  }

  /** Items not yet acknowledged, oldest first. */
  list(): OutboxItem[] {
    return [...this.items.values()];
  }

  get inFlight(): number {
    let n = 0;
    for (const item of this.items.values()) if (item.state === 'sending') n++;
    return n;
  }

  /** Queued items whose time has come, oldest first, so that at most `maxInFlight` are sending. */
  due(maxInFlight: number): OutboxItem[] {
    const room = maxInFlight - this.inFlight;
    if (room <= 0) return [];
    const now = this.now();
    return this.list()
      .filter((item) => item.state === 'queued' && item.notBefore <= now)
      .slice(0, room);
  }

  /** Earliest `notBefore` of a queued item that is not due yet, or null. */
  nextDueAt(): number | null {
    const now = this.now();
    let next: number | null = null;
    for (const item of this.items.values()) {
      if (item.state === 'queued' && item.notBefore > now && (next === null || item.notBefore < next)) next = item.notBefore;
    }
    return next;
  }

  markSending(clientMsgId: string): void {
    this.update(clientMsgId, (item) => {
      item.state = 'sending';
      item.attempts++;
    });
  }

  /** Puts an item back in the queue, not to be sent before `notBefore`. */
  requeue(clientMsgId: string, notBefore = 0, error: OutboxItem['error'] = null): void {
    this.update(clientMsgId, (item) => {
      if (item.state !== 'sending' && item.state !== 'queued') return false;
      item.state = 'queued';
      item.notBefore = notBefore;
      if (error) item.error = error;
      return true;
    });
  }

  /** After a disconnect: every SEND without an answer will be written again. */
  requeueAllSending(): void {
    for (const item of this.list()) if (item.state === 'sending') this.requeue(item.clientMsgId);
  }

  /** The server stored the message: the item leaves the outbox. Returns the item if it was there. */
  ack(clientMsgId: string, message: Message): OutboxItem | undefined {
    const item = this.items.get(clientMsgId);
    if (!item) return undefined;
    this.items.delete(clientMsgId);
    item.state = 'sent';
    item.message = message;
    item.error = null;
    this.persistRemove(clientMsgId);
    this.onChange(item);
    return item;
  }

  /** The server refused the message for good. */
  fail(clientMsgId: string, error: NonNullable<OutboxItem['error']>): void {
    this.update(clientMsgId, (item) => {
      item.state = 'failed';
      item.error = error;
    });
  }

  /** Queues a failed item again (or hurries a queued one). */
  retry(clientMsgId: string): boolean {
    return this.update(clientMsgId, (item) => {
      if (item.state === 'sending') return false;
      item.state = 'queued';
      item.notBefore = 0;
      item.error = null;
      return true;
    });
  }

  /** Drops an item that is not acknowledged (the message may still have been stored if it was sending). */
  discard(clientMsgId: string): boolean {
    const item = this.items.get(clientMsgId);
    if (!item) return false;
    this.items.delete(clientMsgId);
    this.persistRemove(clientMsgId);
    return true;
  }

  private update(clientMsgId: string, change: (item: OutboxItem) => boolean | void): boolean {
    const item = this.items.get(clientMsgId);
    if (!item) return false;
    if (change(item) === false) return false;
    this.storage.put(item).catch(this.onStorageError);
    this.onChange(item);
    return true;
  }

  private persistRemove(clientMsgId: string): void {
    this.storage.remove(clientMsgId).catch(this.onStorageError);
  }
}
