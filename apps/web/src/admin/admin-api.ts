import type {
  AdminNotification,
  AdminReport,
  AdminReportDetail,
  AdminUserBody,
  Message,
  OwnProfile,
  ReportPage,
  ReportStatus,
  NotificationStatus,
  ResolveReportBody,
  Restriction,
  RestrictionBody,
  WordListsBody,
} from '@parley/protocol';

/** Running totals per door and their sum, as `GET /admin/stats` reports them. */
export interface LabelledTotal {
  total: number;
  byDoor: Record<string, number>;
}

export interface LatencyHistogram {
  /** Cumulative counts per upper bound in seconds, ascending; `null` is the +Inf bucket. */
  buckets: { le: number | null; count: number }[];
  count: number;
  sum: number;
}

/** One node's counters at `takenAt` (ms since the epoch); rates come from two of them. */
export interface AdminStats {
  takenAt: number;
  connections: LabelledTotal;
  messagesStored: LabelledTotal;
  clientErrors: LabelledTotal;
  sendLatency: LatencyHistogram | null;
}

/** A user as the admin API shows them: the profile with the mute or ban in force (null when none). */
export type AdminUser = OwnProfile & { restriction?: Restriction | null };

export interface AdminParticipant {
  id: number;
  name: string | null;
  avatarUrl: string | null;
}

export interface AdminConversationPage {
  conversationId: number;
  participants: [AdminParticipant, AdminParticipant];
  items: Message[];
  hasMore: boolean;
}

/** An error answer of the server (`{"error":{"code","message"}}`), or `NETWORK` when none came. */
export class AdminApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'AdminApiError';
  }
}

/**
 * The console's only way to the server: `/admin/**` with the admin token as a bearer. It knows
 * nothing of user sessions or sockets, so the console bundle carries no chat client.
 */
export class AdminApi {
  constructor(
    private readonly token: string,
    private readonly baseUrl = '',
  ) {}

  stats(): Promise<AdminStats> {
    return this.call('GET', '/admin/stats');
  }

  user(id: number): Promise<AdminUser> {
    return this.call('GET', `/admin/users/${id}`);
  }

  restrict(id: number, body: RestrictionBody): Promise<Restriction> {
    return this.call('PUT', `/admin/users/${id}/restriction`, body);
  }

  liftRestriction(id: number): Promise<void> {
    return this.call('DELETE', `/admin/users/${id}/restriction`);
  }

  reports(query: { status: ReportStatus; before?: number; limit?: number }): Promise<ReportPage> {
    const params = new URLSearchParams({ status: query.status });
    if (query.before !== undefined) params.set('before', String(query.before));
    if (query.limit !== undefined) params.set('limit', String(query.limit));
    return this.call('GET', `/admin/reports?${params}`);
  }

  report(id: number): Promise<AdminReportDetail> {
    return this.call('GET', `/admin/reports/${id}`);
  }

  resolveReport(id: number, decision: ResolveReportBody): Promise<AdminReport> {
    return this.call('POST', `/admin/reports/${id}/resolve`, decision);
  }

  notifications(query: { status: NotificationStatus | null; limit?: number }): Promise<{ items: AdminNotification[] }> {
    const params = new URLSearchParams();
    if (query.status) params.set('status', query.status);
    if (query.limit !== undefined) params.set('limit', String(query.limit));
    const suffix = params.size > 0 ? `?${params}` : '';
    return this.call('GET', `/admin/notifications${suffix}`);
  }

  wordLists(): Promise<WordListsBody> {
    return this.call('GET', '/admin/moderation/words');
  }

  setWordLists(lists: WordListsBody): Promise<WordListsBody> {
    return this.call('PUT', '/admin/moderation/words', lists);
  }

  updateUser(id: number, patch: AdminUserBody): Promise<OwnProfile> {
    return this.call('PUT', `/admin/users/${id}`, patch);
  }

  conversationMessages(id: number, range: { beforeSeq?: number; limit?: number } = {}): Promise<AdminConversationPage> {
    const query = new URLSearchParams();
    if (range.beforeSeq !== undefined) query.set('beforeSeq', String(range.beforeSeq));
    if (range.limit !== undefined) query.set('limit', String(range.limit));
    const suffix = query.size > 0 ? `?${query}` : '';
    return this.call('GET', `/admin/conversations/${id}/messages${suffix}`);
  }

  private async call<T>(method: string, path: string, body?: unknown): Promise<T> {
    let response: Response;
    try {
      response = await fetch(`${this.baseUrl}${path}`, {
        method,
        headers: { authorization: `Bearer ${this.token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        cache: 'no-store',
      });
    } catch (error) {
      throw new AdminApiError(0, 'NETWORK', error instanceof Error ? error.message : String(error));
    }
    const text = await response.text();
    const parsed: unknown = text ? safeJson(text) : null;
    if (!response.ok) {
      const error = (parsed as { error?: { code?: string; message?: string } } | null)?.error;
      throw new AdminApiError(response.status, error?.code ?? `HTTP_${response.status}`, error?.message ?? response.statusText);
    }
    return parsed as T;
  }
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

const TOKEN_KEY = 'parley-admin-token';

/**
 * The admin token lives in sessionStorage: it survives a reload but not the tab, and is never
 * written where other tabs or a later visitor of a shared machine would find it.
 */
export const tokenStorage = {
  load: (): string | null => sessionStorage.getItem(TOKEN_KEY),
  save: (token: string): void => sessionStorage.setItem(TOKEN_KEY, token),
  clear: (): void => sessionStorage.removeItem(TOKEN_KEY),
};
