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
  | 'dropConnection'
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
  | 'edit'
  | 'react'
  | 'hide'
  | 'updateConversation'
  | 'clearConversation'
  | 'unmatch'
  | 'report'
  | 'search'
  | 'settings'
  | 'updateSettings'
  | 'api'
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

/** How this server lets the web client sign in (served next to the client as `/config.json`). */
export interface WebConfig {
  devAuth: boolean;
  tokenUrl: string | null;
  frameAncestors: string[];
}

/** `GET /config.json`; a server without it (an older one behind `vite dev`) still answers `/auth/config`. */
export async function fetchWebConfig(): Promise<WebConfig> {
  const res = await fetch('/config.json', { cache: 'no-store' }).catch(() => null);
  if (res?.ok) {
    const body = (await res.json()) as Partial<WebConfig>;
    return { devAuth: body.devAuth === true, tokenUrl: body.tokenUrl ?? null, frameAncestors: body.frameAncestors ?? ["'self'"] };
  }
  const fallback = await fetch('/auth/config').catch(() => null);
  const devAuth = fallback?.ok ? ((await fallback.json()) as { devAuth: boolean }).devAuth : false;
  return { devAuth, tokenUrl: null, frameAncestors: ["'self'"] };
}

/** A sign-in that failed for a reason the user must be told (`rejected`: the server refused the token). */
export class SignInError extends Error {
  constructor(
    readonly reason: 'rejected' | 'token-url',
    message: string,
  ) {
    super(message);
    this.name = 'SignInError';
  }
}

/** `GET /users/me` with `token`: checks the token and tells whose it is before anything is wired. */
export async function fetchOwnIdentity(token: string): Promise<{ id: number; name: string | null }> {
  const res = await fetch('/users/me', { headers: { authorization: `Bearer ${token}` } });
  if (res.status === 401 || res.status === 403) throw new SignInError('rejected', `HTTP ${res.status}`);
  if (!res.ok) throw new Error(`sign-in failed (HTTP ${res.status})`);
  return (await res.json()) as { id: number; name: string | null };
}

/** Asks the host app for a token with its cookies (`credentials: "include"`); answers `{"token"}`. */
export async function fetchHostToken(tokenUrl: string): Promise<string> {
  let res: Response;
  try {
    res = await fetch(tokenUrl, { credentials: 'include', headers: { accept: 'application/json' }, cache: 'no-store' });
  } catch (error) {
    throw new SignInError('token-url', (error as Error).message);
  }
  if (!res.ok) throw new SignInError('token-url', `HTTP ${res.status}`);
  const body = (await res.json().catch(() => null)) as { token?: unknown } | null;
  if (typeof body?.token !== 'string' || !body.token) throw new SignInError('token-url', 'no "token" in the answer');
  return body.token;
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
