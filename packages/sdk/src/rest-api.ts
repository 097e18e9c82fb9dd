import type {
  AdminUserBody,
  BlockItem,
  Conversation,
  ConversationChange,
  ConversationPage,
  ConversationSettingsBody,
  ExchangeKind,
  HideNotice,
  HistoryPage,
  Message,
  OwnProfile,
  PresenceItem,
  ReactionNotice,
  Report,
  ReportBody,
  SearchPage,
  SearchQuery,
  SendMessageBody,
  SyncPage,
  UnmatchResult,
  UserSettings,
  UserSettingsBody,
} from '@parley/protocol';
import { ParleyError } from './errors.js';
import type { HttpRequest, HttpTransport } from './http-transport.js';
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

/** Options of `conversations`: `archived: true` lists the archived conversations instead of the others. */
export interface ConversationListOptions {
  limit?: number;
  before?: string;
  archived?: boolean;
}

/** Options of `search`: only with one peer, page size, and `before` = the previous page's `nextBefore`. */
export type SearchOptions = Omit<SearchQuery, 'q'>;

export type { SearchHit, SearchPage, UserSettings } from '@parley/protocol';

type Query = Record<string, string | number | boolean | undefined>;

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
    /** Hears every refusal of a USER_BANNED user, so that the realtime connection stops too. */
    private readonly onBanned: (error: ParleyError) => void = () => undefined,
  ) {}

  /** Issues one authenticated JSON request and returns the parsed answer. */
  async request<T>(method: HttpRequest['method'], path: string, body?: unknown, query?: Query, signal?: AbortSignal): Promise<T> {
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
      throw this.failure(response.body, response.status);
    }
  }

  /** The error of a refused request; a ban is also reported to `onBanned`. */
  failure(body: unknown, status: number): ParleyError {
    const error = ParleyError.fromBody(body, status);
    if (error.code === 'USER_BANNED') this.onBanned(error);
    return error;
  }

  /** Absolute URL of `path` on the server, with the defined query parameters. */
  url(path: string, query?: Query): string {
    const params = Object.entries(query ?? {})
      .filter((entry): entry is [string, string | number | boolean] => entry[1] !== undefined)
      .map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(String(v))}`);
    return `${this.baseUrl}${path}${params.length ? `?${params.join('&')}` : ''}`;
  }

  /** `POST /messages`: stores a message (201) or returns the stored one for a repeated clientMsgId (200). */
  sendMessage(body: SendMessageBody): Promise<WithUserSeq<Message>> {
    return this.request('POST', '/messages', body);
  }

  /**
   * `GET /messages/conversations`: pinned first, then newest activity; archived ones only with
   * `archived: true`. Pass `nextBefore` as `before` for older pages.
   */
  conversations(options: ConversationListOptions = {}): Promise<ConversationPage> {
    return this.request('GET', '/messages/conversations', undefined, { ...options });
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

  /** `PATCH /messages/{id}`: replaces the content of my TEXT message within the edit window; answers the edited message. */
  edit(messageId: number, content: string): Promise<WithUserSeq<Message>> {
    return this.request('PATCH', `/messages/${messageId}`, { content });
  }

  /** `PUT /messages/{id}/reaction` (an emoji) or `DELETE` (null): my one reaction to a message. */
  react(messageId: number, emoji: string | null): Promise<WithUserSeq<ReactionNotice>> {
    return emoji === null ? this.request('DELETE', `/messages/${messageId}/reaction`) : this.request('PUT', `/messages/${messageId}/reaction`, { emoji });
  }

  /** `POST /messages/{id}/hide`: hides a message on my devices only. */
  hide(messageId: number): Promise<WithUserSeq<HideNotice>> {
    return this.request('POST', `/messages/${messageId}/hide`);
  }

  /** `PATCH /messages/conversations/{id}`: my pin / mute / archive flags of a conversation. */
  updateConversation(conversationId: number, settings: ConversationSettingsBody): Promise<WithUserSeq<ConversationChange>> {
    return this.request('PATCH', `/messages/conversations/${conversationId}`, settings);
  }

  /** `DELETE /messages/conversations/{id}`: clears a conversation for me (history up to now hidden, list entry gone until a new message). */
  clearConversation(conversationId: number): Promise<WithUserSeq<ConversationChange>> {
    return this.request('DELETE', `/messages/conversations/${conversationId}`);
  }

  /** `POST /messages/conversations/{id}/unmatch`: ends the conversation for both users. */
  unmatch(conversationId: number): Promise<WithUserSeq<UnmatchResult>> {
    return this.request('POST', `/messages/conversations/${conversationId}/unmatch`);
  }

  /** `POST /reports`: reports a user I share a conversation with. */
  report(body: ReportBody): Promise<Report> {
    return this.request('POST', '/reports', body);
  }

  /** `GET /messages/search?q=`: my TEXT messages containing `q` (2–64 characters), newest first. */
  search(q: string, options: SearchOptions = {}): Promise<SearchPage> {
    return this.request('GET', '/messages/search', undefined, { q, ...options });
  }

  /** `GET /messages/unread`: unread messages over all my conversations. */
  async unreadTotal(): Promise<number> {
    return (await this.request<{ unreadTotal: number }>('GET', '/messages/unread')).unreadTotal;
  }

  /** `GET /users/me/settings`. */
  settings(): Promise<UserSettings> {
    return this.request('GET', '/users/me/settings');
  }

  /** `PUT /users/me/settings`: read-receipt privacy (reciprocal: off, I neither send nor see them). */
  updateSettings(settings: UserSettingsBody): Promise<UserSettings> {
    return this.request('PUT', '/users/me/settings', settings);
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
