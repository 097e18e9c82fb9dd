/**
 * The only module that constructs the SDK client; stores reach the server through `chatClient()`.
 * Tests install a fake with `installChatClient`.
 */
import { IndexedDbOutboxStorage, LocalStorageOutboxStorage, MemoryOutboxStorage, ParleyClient, type OutboxStorage } from '@parley/sdk';

/** The SDK surface the stores use (ParleyClient satisfies it; tests provide fakes). */
export type ChatClient = Pick<
  ParleyClient,
  | 'on'
  | 'connect'
  | 'disconnect'
  | 'reconnectNow'
  | 'state'
  | 'userId'
  | 'send'
  | 'retry'
  | 'discard'
  | 'pendingMessages'
  | 'restoreOutbox'
  | 'setTyping'
  | 'me'
  | 'updateMe'
  | 'conversations'
  | 'history'
  | 'olderHistory'
  | 'markRead'
  | 'requestExchange'
  | 'respondExchange'
  | 'recall'
  | 'presence'
  | 'block'
  | 'unblock'
  | 'blockedUserIds'
  | 'uploadMedia'
>;

let current: ChatClient | null = null;

function outboxStorageFor(userId: number): OutboxStorage {
  try {
    if (typeof indexedDB !== 'undefined') return new IndexedDbOutboxStorage(`parley-outbox-${userId}`);
    if (typeof localStorage !== 'undefined') return new LocalStorageOutboxStorage(`parley-outbox-${userId}`);
  } catch {
    /* storage refused (private mode): fall back to memory */
  }
  return new MemoryOutboxStorage();
}

/** Creates the client for a signed-in user; `token` is asked before every (re)connect. */
export function createChatClient(userId: number, token: () => Promise<string> | string): ChatClient {
  current = new ParleyClient({ token, outboxStorage: outboxStorageFor(userId) });
  return current;
}

/** Replaces the client (tests). */
export function installChatClient(client: ChatClient | null): void {
  current = client;
}

/** The client of the signed-in user. */
export function chatClient(): ChatClient {
  if (!current) throw new Error('not signed in');
  return current;
}

/** `GET /auth/config`: whether development sign-in is on. Unauthenticated, so not in the SDK. */
export async function fetchAuthConfig(): Promise<{ devAuth: boolean }> {
  const res = await fetch('/auth/config');
  if (!res.ok) return { devAuth: false };
  return (await res.json()) as { devAuth: boolean };
}

/** `POST /auth/dev-token`: a development token for any user id. */
export async function requestDevToken(userId: number, name: string): Promise<string> {
  const res = await fetch('/auth/dev-token', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(name ? { userId, name } : { userId }),
  });
  const body = (await res.json().catch(() => null)) as { token?: string; error?: { message?: string } } | null;
  if (!res.ok || !body?.token) throw new Error(body?.error?.message ?? `sign-in failed (HTTP ${res.status})`);
  return body.token;
}
