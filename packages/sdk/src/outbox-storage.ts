import type { OutboxItem } from './outbox-item.js';

/**
 * Where the outbox keeps messages that are not yet acknowledged, so they survive reconnects and
 * (with a persistent storage) page reloads. Implementations must tolerate concurrent calls; `load`
 * returns items in any order (the outbox orders them by `createdAt`).
 */
export interface OutboxStorage {
  load(): Promise<OutboxItem[]>;
  put(item: OutboxItem): Promise<void>;
  remove(clientMsgId: string): Promise<void>;
}

const clone = (item: OutboxItem): OutboxItem => JSON.parse(JSON.stringify(item)) as OutboxItem;

/** Keeps items in memory only: they survive reconnects, not reloads. The default. */
export class MemoryOutboxStorage implements OutboxStorage {
  private readonly items = new Map<string, OutboxItem>();

  async load(): Promise<OutboxItem[]> {
    return [...this.items.values()].map(clone);
  }

  async put(item: OutboxItem): Promise<void> {
    this.items.set(item.clientMsgId, clone(item));
  }

  async remove(clientMsgId: string): Promise<void> {
    this.items.delete(clientMsgId);
  }
}

/** The `localStorage` subset used (also satisfied by mini-program sync storage wrappers). */
export interface KeyValueStorage {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
}

/**
 * Keeps all items as one JSON value under `key` in `localStorage` (or another synchronous
 * key-value store). Use one key per signed-in user, e.g. `parley-outbox-7`.
 */
export class LocalStorageOutboxStorage implements OutboxStorage {
  constructor(
    private readonly key: string,
    private readonly storage: KeyValueStorage = (globalThis as { localStorage?: KeyValueStorage }).localStorage as KeyValueStorage,
  ) {
    if (!storage) throw new Error('localStorage is not available here');
  }

  async load(): Promise<OutboxItem[]> {
    return Object.values(this.read());
  }

  async put(item: OutboxItem): Promise<void> {
    const all = this.read();
    all[item.clientMsgId] = item;
    this.storage.setItem(this.key, JSON.stringify(all));
  }

  async remove(clientMsgId: string): Promise<void> {
    const all = this.read();
    if (!(clientMsgId in all)) return;
    delete all[clientMsgId];
    if (Object.keys(all).length === 0) this.storage.removeItem(this.key);
    else this.storage.setItem(this.key, JSON.stringify(all));
  }

  private read(): Record<string, OutboxItem> {
    const raw = this.storage.getItem(this.key);
    if (!raw) return {};
    try {
      const parsed = JSON.parse(raw) as unknown;
      return parsed && typeof parsed === 'object' ? (parsed as Record<string, OutboxItem>) : {};
    } catch {
      return {};
    }
  }
}

/**
 * Keeps items in an IndexedDB object store (database `dbName`, store `outbox`, key `clientMsgId`).
 * Use one database name per signed-in user. `factory` defaults to the global `indexedDB`.
 */
export class IndexedDbOutboxStorage implements OutboxStorage {
  private db: Promise<IDBDatabase> | null = null;

  constructor(
    private readonly dbName: string,
    private readonly factory: IDBFactory = (globalThis as { indexedDB?: IDBFactory }).indexedDB as IDBFactory,
  ) {
    if (!factory) throw new Error('IndexedDB is not available here');
  }

  async load(): Promise<OutboxItem[]> {
    const store = await this.store('readonly');
    return (await promisify(store.getAll())) as OutboxItem[];
  }

  async put(item: OutboxItem): Promise<void> {
    const store = await this.store('readwrite');
    await promisify(store.put(JSON.parse(JSON.stringify(item)) as OutboxItem));
  }

  async remove(clientMsgId: string): Promise<void> {
    const store = await this.store('readwrite');
    await promisify(store.delete(clientMsgId));
  }

  /** Closes the database connection. */
  async close(): Promise<void> {
    if (this.db) (await this.db).close();
    this.db = null;
  }

  private async store(mode: IDBTransactionMode): Promise<IDBObjectStore> {
    if (!this.db) {
      this.db = new Promise((resolve, reject) => {
        const request = this.factory.open(this.dbName, 1);
        request.onupgradeneeded = () => {
          if (!request.result.objectStoreNames.contains('outbox')) request.result.createObjectStore('outbox', { keyPath: 'clientMsgId' });
        };
        request.onsuccess = () => resolve(request.result);
        request.onerror = () => reject(request.error ?? new Error('indexedDB open failed'));
      });
    }
    return (await this.db).transaction('outbox', mode).objectStore('outbox');
  }
}

function promisify<T>(request: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error ?? new Error('indexedDB request failed'));
  });
}
