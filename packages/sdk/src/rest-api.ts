import type {
  AdminUserBody,
  BlockItem,
  Conversation,
  ConversationPage,
  ExchangeKind,
  HistoryPage,
  Message,
  OwnProfile,
  PresenceItem,
  SendMessageBody,
  SyncPage,
} from '@parley/protocol';
import { ParleyError } from './errors.js';
import type { HttpTransport } from './http-transport.js';
import type { TokenSource } from './token-source.js';

/** A write's answer: the changed entity plus the caller's `userSeq` after the change. */
export type WithUserSeq<T> = T & { userSeq?: number };

export type { OwnProfile } from '@parley/protocol';

/** Fields `updateMe` may change; absent fields stay as they are, `null` clears. */
export type ProfileUpdate = AdminUserBody;

/** Answer of `markRead`: my read mark and unread count after the change. */
export interface ReadResult {
  conversationId: number;
  readUpToSeq: number;
  unreadCount: number;
  userSeq?: number;
}

/** Options of `history`: at most one of `beforeSeq` / `afterSeq`; `limit` 1–100 (server default 20). */
export interface HistoryOptions {
  beforeSeq?: number;
  afterSeq?: number;
  limit?: number;
}

type Query = Record<string, string | number | undefined>;

/**
 * Typed calls of the REST door (docs/operations.md lists every route). Every call sends `Authorization: Bearer <token>`; a 401
 * refreshes the token once and repeats the call. Failures reject with a ParleyError carrying the
 * server's code (`NETWORK` when no answer came).
 */
export class RestApi {
  constructor(
    /** Server origin without trailing slash, e.g. `https://chat.example.com` ('' = same origin). */
    readonly baseUrl: string,
    private readonly tokens: TokenSource,
    private readonly http: HttpTransport,
  ) {}

  /** Issues one authenticated JSON request and returns the parsed answer. */
  async request<T>(method: 'GET' | 'POST' | 'PUT' | 'DELETE', path: string, body?: unknown, query?: Query, signal?: AbortSignal): Promise<T> {
    const url = this.url(path, query);
    for (let attempt = 0; ; attempt++) {
      const token = attempt === 0 ? await this.tokens.current() : await this.tokens.refresh();
      const headers: Record<string, string> = { authorization: `Bearer ${token}`, accept: 'application/json' };
      const request: Parameters<HttpTransport>[0] = { method, url, headers };
      if (body !== undefined) {
        headers['content-type'] = 'application/json';
        request.body = JSON.stringify(body);
      }
      if (signal) request.signal = signal;
      const response = await this.http(request);
      if (response.status === 401 && attempt === 0) continue;
      if (response.status >= 200 && response.status < 300) return response.body as T;
      throw ParleyError.fromBody(response.body, response.status);
    }
  }

  /** Absolute URL of `path` on the server, with the defined query parameters. */
  url(path: string, query?: Query): string {
    const params = Object.entries(query ?? {})
      .filter((entry): entry is [string, string | number] => entry[1] !== undefined)
      .map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(String(v))}`);
    return `${this.baseUrl}${path}${params.length ? `?${params.join('&')}` : ''}`;
  }

  /** `POST /messages`: stores a message (201) or returns the stored one for a repeated clientMsgId (200). */
  sendMessage(body: SendMessageBody): Promise<WithUserSeq<Message>> {
    return this.request('POST', '/messages', body);
  }

  /** `GET /messages/conversations`: newest activity first; pass `nextBefore` as `before` for older pages. */
  conversations(options: { limit?: number; before?: string } = {}): Promise<ConversationPage> {
    return this.request('GET', '/messages/conversations', undefined, options);
  }

  /** `GET /messages/history/{peerUserId}`: items ascending by seq; without seq bounds, the latest page. */
  history(peerUserId: number, options: HistoryOptions = {}): Promise<HistoryPage> {
    return this.request('GET', `/messages/history/${peerUserId}`, undefined, { ...options });
  }

  /** `PUT /messages/read/{conversationId}`: marks read up to `upToSeq` (default: everything). */
  markRead(conversationId: number, upToSeq?: number): Promise<ReadResult> {
    return this.request('PUT', `/messages/read/${conversationId}`, upToSeq === undefined ? {} : { upToSeq });
  }

  /** `POST /messages/exchange`: asks the peer to swap WeChat ids or photos; answers the request message. */
  requestExchange(receiverId: number, kind: ExchangeKind): Promise<WithUserSeq<Message>> {
    return this.request('POST', '/messages/exchange', { receiverId, kind });
  }

  /** `POST /messages/exchange/{messageId}/respond`: accepts or declines; answers the result message. */
  respondExchange(messageId: number, accept: boolean): Promise<WithUserSeq<Message>> {
    return this.request('POST', `/messages/exchange/${messageId}/respond`, { accept });
  }

  /** `DELETE /messages/{id}`: recalls my message within the recall window; answers the recalled message. */
  recall(messageId: number): Promise<WithUserSeq<Message>> {
    return this.request('DELETE', `/messages/${messageId}`);
  }

  /** `GET /users/presence?ids=`: presence of users who share a conversation with me. */
  async presence(userIds: readonly number[]): Promise<PresenceItem[]> {
    if (userIds.length === 0) return [];
    const page = await this.request<{ items: PresenceItem[] }>('GET', '/users/presence', undefined, { ids: userIds.join(',') });
    return page.items;
  }

  /** `GET /users/me`: my profile including the private exchange fields. */
  me(): Promise<OwnProfile> {
    return this.request('GET', '/users/me');
  }

  /** `PUT /users/me`: changes my profile. */
  updateMe(update: ProfileUpdate): Promise<OwnProfile> {
    return this.request('PUT', '/users/me', update);
  }

  /** `PUT /blocks/{userId}`: stops that user from sending to me. */
  async block(userId: number): Promise<void> {
    await this.request('PUT', `/blocks/${userId}`);
  }

  /** `DELETE /blocks/{userId}`. */
  async unblock(userId: number): Promise<void> {
    await this.request('DELETE', `/blocks/${userId}`);
  }

  /** `GET /blocks`: the users I blocked. */
  async blocks(): Promise<BlockItem[]> {
    const page = await this.request<{ items: BlockItem[] }>('GET', '/blocks');
    return page.items;
  }

  /** `GET /sync?since=&limit=`: my update log after `since`, ascending. */
  sync(since: number, limit?: number): Promise<SyncPage> {
    return this.request('GET', '/sync', undefined, { since, limit });
  }
}

export type { Conversation };
