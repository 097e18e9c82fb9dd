import { LIMITS, type SearchPage } from '@parley/protocol';
import { AppError } from '../domain/app-error.js';
import { checkSearchText, parseSearchCursor } from '../domain/search-rules.js';
import type { MessageSearch } from '../ports/message-search.js';
import type { UserSettingsStore } from '../ports/user-settings-store.js';
import type { UserStore } from '../ports/user-store.js';
import { withReadStateFor } from '../domain/read-receipts.js';

export interface SearchOptions {
  q: string;
  peerId?: number;
  limit?: number;
  before?: string;
}

/**
 * `GET /messages/search`: the caller's own messages containing a text, newest first, in pages
 * (`nextBefore`). What the caller no longer sees (recalled, hidden or cleared for them, unmatched)
 * is never found; the store leaves it out.
 */
export class MessageSearchService {
  constructor(private readonly deps: { search: MessageSearch; users: UserStore; settings: UserSettingsStore }) {}

  async search(userId: number, options: SearchOptions): Promise<SearchPage> {
    const text = checkSearchText(options.q);
    if (options.peerId === userId) throw new AppError('SELF_CHAT', 'peerId: there is no conversation with yourself');
    const limit = options.limit ?? LIMITS.searchDefaultLimit;
    const found = await this.deps.search.search({ userId, text, peerId: options.peerId ?? null, beforeId: parseSearchCursor(options.before), limit: limit + 1 });
    const page = found.slice(0, limit);
    const peerIds = [...new Set(page.map((f) => f.peerId))];
    const [profiles, off] = await Promise.all([this.deps.users.getMany(peerIds), this.deps.settings.withReadReceiptsOff([userId, ...peerIds])]);
    const items = page.map(({ message, peerId }) => {
      const profile = profiles.get(peerId);
      return { message: withReadStateFor(message, userId, off), conversationId: message.conversationId, peer: { id: peerId, name: profile?.name ?? null, avatarUrl: profile?.avatarUrl ?? null } };
    });
    const last = page[page.length - 1];
    return { items, nextBefore: found.length > limit && last ? String(last.message.id) : null };
  }
}
