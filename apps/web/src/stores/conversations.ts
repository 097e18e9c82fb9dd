import type { Conversation, ConversationChange, ConversationPage, ConversationSettingsBody, HideNotice, Message, PresenceChange, ReadReceipt, RecallNotice, TypingNotice } from '@parley/protocol';
import { LIMITS } from '@parley/protocol';
import { defineStore } from 'pinia';
import { computed, ref } from 'vue';
import { chatClient } from '../chat-client.js';

/** One row of the conversation list, keyed by the peer (a new chat has no conversation id yet). */
export interface ConversationView {
  id: number | null;
  peerId: number;
  peerName: string | null;
  avatarUrl: string | null;
  online: boolean;
  lastSeenAt: string | null;
  lastMessage: Message | null;
  /** ISO time of the last activity; the list is sorted by it, newest first. */
  lastActivity: string | null;
  lastSeq: number;
  unreadCount: number;
  myReadUpToSeq: number;
  /** Null while either side keeps read receipts off: then no read ticks are shown. */
  peerReadUpToSeq: number | null;
  typing: boolean;
  pinned: boolean;
  muted: boolean;
  archived: boolean;
  /** Messages up to this seq were cleared for me; the row stays out of the list until a newer one. */
  clearedUpToSeq: number;
  /** The server knows no user with this id. */
  missing?: boolean;
}

/**
 * What to show of a peer's presence. The server reports users whose presence the caller may not
 * see as offline with no last-seen time, so that pair means "unknown", never "offline"; and
 * while this client is disconnected nothing it knows is current.
 */
export function presenceOf(row: Pick<ConversationView, 'online' | 'lastSeenAt'> | undefined, live: boolean): 'online' | 'offline' | 'unknown' {
  if (!row || !live) return 'unknown';
  if (row.online) return 'online';
  return row.lastSeenAt ? 'offline' : 'unknown';
}

const OPEN_CHAT_KEY = 'parley-open-chat-';

function rememberOpenChat(userId: number | null, peerId: number | null): void {
  if (userId === null) return;
  try {
    if (peerId === null) sessionStorage.removeItem(OPEN_CHAT_KEY + userId);
    else sessionStorage.setItem(OPEN_CHAT_KEY + userId, String(peerId));
  } catch {
    /* not remembered */
  }
}

function rememberedOpenChat(userId: number | null): number | null {
  if (userId === null) return null;
  try {
    const id = Number(sessionStorage.getItem(OPEN_CHAT_KEY + userId));
    return Number.isSafeInteger(id) && id > 0 ? id : null;
  } catch {
    return null;
  }
}

function fromConversation(c: Conversation): ConversationView {
  return {
    id: c.id,
    peerId: c.peer.id,
    peerName: c.peer.name,
    avatarUrl: c.peer.avatarUrl,
    online: c.peer.online,
    lastSeenAt: c.peer.lastSeenAt,
    lastMessage: c.lastMessage,
    lastActivity: c.lastMessageTime,
    lastSeq: c.lastSeq,
    unreadCount: c.unreadCount,
    myReadUpToSeq: c.myReadUpToSeq,
    // Null while either side has read receipts off: then no message shows as read by the peer.
    peerReadUpToSeq: c.peerReadUpToSeq,
    typing: false,
    pinned: c.pinned,
    muted: c.muted,
    archived: c.archived,
    clearedUpToSeq: 0,
  };
}

function blank(peerId: number): ConversationView {
  return {
    id: null, peerId, peerName: null, avatarUrl: null, online: false, lastSeenAt: null, lastMessage: null,
    lastActivity: null, lastSeq: 0, unreadCount: 0, myReadUpToSeq: 0, peerReadUpToSeq: 0, typing: false,
    pinned: false, muted: false, archived: false, clearedUpToSeq: 0,
  };
}

/**
 * The conversation list: peers, previews, unread counts, presence, typing, read marks, blocks,
 * and which conversation is open. Fed by the session store's event wiring.
 */
export const useConversationsStore = defineStore('conversations', () => {
  const byPeer = ref<Record<number, ConversationView>>({});
  const activePeerId = ref<number | null>(null);
  const blocked = ref<number[]>([]);
  const loaded = ref(false);
  const nextBefore = ref<string | null>(null);
  const myId = ref<number | null>(null);
  const typingTimers = new Map<number, ReturnType<typeof setTimeout>>();
  let refreshTimer: ReturnType<typeof setTimeout> | null = null;

  /** Unread messages in conversations not loaded here (archived ones before the archived view is opened). */
  const unlistedUnread = ref(0);
  /** The "Archived" view is shown instead of the main list. */
  const showingArchived = ref(false);
  const archivedLoaded = ref(false);

  /** A cleared conversation leaves the list until a newer message arrives (unless it is open). */
  const listed = (c: ConversationView) => c.clearedUpToSeq === 0 || c.lastSeq > c.clearedUpToSeq || c.peerId === activePeerId.value;
  const byActivity = (a: ConversationView, b: ConversationView) =>
    (b.lastActivity ?? '').localeCompare(a.lastActivity ?? '') || b.peerId - a.peerId;
  /** The main list: pinned first, then by last activity; archived ones left out. */
  const sorted = computed(() =>
    Object.values(byPeer.value)
      .filter((c) => !c.archived && listed(c))
      .sort((a, b) => Number(b.pinned) - Number(a.pinned) || byActivity(a, b)),
  );
  const archived = computed(() => Object.values(byPeer.value).filter((c) => c.archived && listed(c)).sort(byActivity));
  /** Over every conversation, archived and muted ones included, as the server counts it. */
  const totalUnread = computed(() => unlistedUnread.value + Object.values(byPeer.value).reduce((n, c) => n + c.unreadCount, 0));
  const active = computed(() => (activePeerId.value === null ? null : (byPeer.value[activePeerId.value] ?? null)));

  function reset(userId: number | null): void {
    byPeer.value = {};
    activePeerId.value = null;
    blocked.value = [];
    loaded.value = false;
    nextBefore.value = null;
    myId.value = userId;
    unlistedUnread.value = 0;
    showingArchived.value = false;
    archivedLoaded.value = false;
    for (const timer of typingTimers.values()) clearTimeout(timer);
    typingTimers.clear();
    if (refreshTimer) clearTimeout(refreshTimer);
    refreshTimer = null;
  }

  /** Loads the first page of the list (also the SDK's sync baseline) and my blocks. */
  async function load(): Promise<void> {
    const client = chatClient();
    const [page, blocks] = await Promise.all([client.conversations({ limit: LIMITS.conversationsMaxLimit }), client.blockedUserIds().catch(() => [])]);
    takePage(page);
    nextBefore.value = page.nextBefore;
    blocked.value = blocks;
    loaded.value = true;
  }

  /** Merges a list page; the server's unread total tells how much is unread outside the rows held. */
  function takePage(page: ConversationPage): void {
    for (const c of page.items) mergeFromServer(c);
    const held = Object.values(byPeer.value).reduce((n, c) => n + c.unreadCount, 0);
    unlistedUnread.value = Math.max(0, page.unreadTotal - held);
  }

  /** Loads the archived conversations (the "Archived" view). */
  async function loadArchived(): Promise<void> {
    let before: string | null = null;
    do {
      const page: ConversationPage = await chatClient().conversations({ archived: true, limit: LIMITS.conversationsMaxLimit, ...(before ? { before } : {}) });
      takePage(page);
      before = page.nextBefore;
    } while (before);
    archivedLoaded.value = true;
  }

  /** Switches between the main list and the "Archived" view. */
  async function setShowingArchived(show: boolean): Promise<void> {
    showingArchived.value = show;
    if (show) await loadArchived();
  }

  /**
   * Takes the server's row; when an event already moved the local row past it (a race with a
   * push), only the peer's profile and presence are taken.
   */
  function mergeFromServer(c: Conversation): void {
    const local = byPeer.value[c.peer.id];
    const fresh = fromConversation(c);
    if (!local || fresh.lastSeq >= local.lastSeq) {
      byPeer.value[c.peer.id] = { ...fresh, typing: local?.typing ?? false, clearedUpToSeq: local?.clearedUpToSeq ?? 0 };
      return;
    }
    Object.assign(local, {
      id: fresh.id, peerName: fresh.peerName, avatarUrl: fresh.avatarUrl, online: fresh.online, lastSeenAt: fresh.lastSeenAt,
      pinned: fresh.pinned, muted: fresh.muted, archived: fresh.archived,
    });
  }

  /** Reloads the list soon (a message from a peer we have no profile for yet). */
  function scheduleRefresh(): void {
    if (refreshTimer) return;
    refreshTimer = setTimeout(() => {
      refreshTimer = null;
      void load().catch(() => undefined);
    }, 300);
  }

  /** Loads the next (older) page of the list. */
  async function loadMore(): Promise<void> {
    if (!nextBefore.value) return;
    const page = await chatClient().conversations({ limit: LIMITS.conversationsMaxLimit, before: nextBefore.value });
    takePage(page);
    nextBefore.value = page.nextBefore;
  }

  /**
   * Opens the chat with `peerId`. A peer without a conversation yet gets an empty row, and their
   * name and avatar are fetched at once rather than after the first message.
   */
  function open(peerId: number | null): void {
    if (peerId !== null && !byPeer.value[peerId]) {
      byPeer.value[peerId] = blank(peerId);
      void fetchCard(peerId);
    }
    activePeerId.value = peerId;
    rememberOpenChat(myId.value, peerId);
  }

  async function fetchCard(peerId: number): Promise<void> {
    try {
      const card = await chatClient().api.request<{ name: string | null; avatarUrl: string | null }>('GET', `/users/${peerId}`);
      const row = byPeer.value[peerId];
      if (row && row.peerName === null) Object.assign(row, { peerName: card.name, avatarUrl: card.avatarUrl });
    } catch (error) {
      if ((error as { code?: string }).code === 'USER_NOT_FOUND') {
        const row = byPeer.value[peerId];
        if (row) row.missing = true;
      }
    }
  }

  /** Reopens the chat this tab had open before a reload. */
  function restoreOpenChat(): void {
    const peerId = rememberedOpenChat(myId.value);
    if (peerId !== null && activePeerId.value === null) open(peerId);
  }

  function peerOf(m: Pick<Message, 'senderId' | 'receiverId'>): number {
    return m.senderId === myId.value ? m.receiverId : m.senderId;
  }

  function byConversationId(id: number): ConversationView | undefined {
    return Object.values(byPeer.value).find((c) => c.id === id);
  }

  /**
   * A new message (from an event, not from history). Returns true when it is an unread incoming
   * message, i.e. it raised the unread count.
   */
  function applyMessage(m: Message): boolean {
    const peerId = peerOf(m);
    const row = (byPeer.value[peerId] ??= blank(peerId));
    if (row.peerName === null && loaded.value) scheduleRefresh();
    // A first message opens the conversation, and with it the peer's presence to us.
    if (row.id === null) void refreshPresenceOf([peerId]);
    row.id = m.conversationId;
    if (m.seq <= row.lastSeq) return false;
    row.lastSeq = m.seq;
    row.lastMessage = m;
    row.lastActivity = m.createdAt;
    if (m.senderId === myId.value) {
      row.myReadUpToSeq = Math.max(row.myReadUpToSeq, m.seq);
      return false;
    }
    row.typing = false;
    // A new message brings an archived conversation back, unless it is muted.
    if (row.archived && !row.muted) row.archived = false;
    if (m.seq > row.myReadUpToSeq) {
      row.unreadCount++;
      return true;
    }
    return false;
  }

  function applyRead(r: ReadReceipt): void {
    const row = byConversationId(r.conversationId);
    if (!row) return;
    if (r.readerId === myId.value) {
      row.myReadUpToSeq = Math.max(row.myReadUpToSeq, r.readUpToSeq);
      if (row.myReadUpToSeq >= row.lastSeq) row.unreadCount = 0;
    } else if (row.peerReadUpToSeq !== null) {
      row.peerReadUpToSeq = Math.max(row.peerReadUpToSeq, r.readUpToSeq);
    }
  }

  /** An edited message: the preview follows when it is the last one. */
  function applyEdit(m: Message): void {
    const row = byConversationId(m.conversationId);
    if (row?.lastMessage?.id === m.id) row.lastMessage = m;
  }

  /** A message hidden for me: the preview falls back to `previous` (the one before it, when loaded). */
  function applyHide(n: HideNotice, previous: Message | null): void {
    const row = byConversationId(n.conversationId);
    if (row?.lastMessage?.id === n.messageId) row.lastMessage = previous;
  }

  /**
   * My flags changed, the conversation was cleared for me, or it was unmatched (by either of us):
   * an unmatched conversation leaves the list, and the chat closes if it was open.
   */
  function applyConversationChange(change: ConversationChange): void {
    const row = byConversationId(change.conversationId);
    if (!row) {
      // A conversation not held (archived, not loaded yet): the list is reloaded to show it rightly.
      if (change.archived === false || change.pinned !== undefined) scheduleRefresh();
      return;
    }
    if (change.state === 'UNMATCHED') {
      delete byPeer.value[row.peerId];
      if (activePeerId.value === row.peerId) open(null);
      return;
    }
    if (change.pinned !== undefined) row.pinned = change.pinned;
    if (change.muted !== undefined) row.muted = change.muted;
    if (change.archived !== undefined) row.archived = change.archived;
    if (change.clearedUpToSeq !== undefined && change.clearedUpToSeq > row.clearedUpToSeq) {
      row.clearedUpToSeq = change.clearedUpToSeq;
      row.unreadCount = 0;
      row.myReadUpToSeq = Math.max(row.myReadUpToSeq, change.clearedUpToSeq);
      if (row.lastMessage && row.lastMessage.seq <= change.clearedUpToSeq) row.lastMessage = null;
    }
  }

  /** Pins, mutes or archives the conversation with `peerId` (mine only). */
  async function updateFlags(peerId: number, settings: ConversationSettingsBody): Promise<void> {
    const row = byPeer.value[peerId];
    if (!row || row.id === null) return;
    const change = await chatClient().updateConversation(row.id, settings);
    applyConversationChange(change);
  }

  /** Clears the conversation with `peerId` for me. */
  async function clear(peerId: number): Promise<void> {
    const row = byPeer.value[peerId];
    if (!row || row.id === null) return;
    applyConversationChange(await chatClient().clearConversation(row.id));
  }

  /** Ends the conversation with `peerId` for both of us. */
  async function unmatch(peerId: number): Promise<void> {
    const row = byPeer.value[peerId];
    if (!row || row.id === null) return;
    await chatClient().unmatch(row.id);
    applyConversationChange({ conversationId: row.id, state: 'UNMATCHED' });
  }

  function applyRecall(n: RecallNotice): void {
    const row = byConversationId(n.conversationId);
    if (row?.lastMessage?.id === n.messageId) row.lastMessage = { ...row.lastMessage, status: 'RECALLED', content: '' };
  }

  function applyPresence(p: PresenceChange): void {
    const row = byPeer.value[p.userId];
    if (!row) return;
    row.online = p.online;
    row.lastSeenAt = p.lastSeenAt;
  }

  function applyTyping(t: TypingNotice): void {
    const row = byPeer.value[t.userId];
    if (!row) return;
    row.typing = t.typing;
    clearTimeout(typingTimers.get(t.userId));
    // The server stops typing after 6 s without renewal; so do we.
    if (t.typing) typingTimers.set(t.userId, setTimeout(() => (row.typing = false), LIMITS.typingExpiryMs));
  }

  /** Marks the conversation with `peerId` read (when it has unread messages). */
  async function markRead(peerId: number): Promise<void> {
    const row = byPeer.value[peerId];
    if (!row || row.id === null || (row.unreadCount === 0 && row.myReadUpToSeq >= row.lastSeq)) return;
    const result = await chatClient().markRead(row.id);
    row.myReadUpToSeq = Math.max(row.myReadUpToSeq, result.readUpToSeq);
    row.unreadCount = result.unreadCount;
  }

  /** Refreshes presence of everyone in the list (after a reconnect: presence is not logged). */
  async function refreshPresence(): Promise<void> {
    await refreshPresenceOf(Object.keys(byPeer.value).map(Number));
  }

  async function refreshPresenceOf(ids: number[]): Promise<void> {
    if (!ids.length) return;
    try {
      for (const p of await chatClient().presence(ids)) applyPresence(p);
    } catch {
      /* shown as unknown until the next change */
    }
  }

  async function block(peerId: number): Promise<void> {
    await chatClient().block(peerId);
    if (!blocked.value.includes(peerId)) blocked.value.push(peerId);
  }

  async function unblock(peerId: number): Promise<void> {
    await chatClient().unblock(peerId);
    blocked.value = blocked.value.filter((id) => id !== peerId);
  }

  return {
    byPeer, activePeerId, blocked, loaded, nextBefore, myId, sorted, archived, totalUnread, active, showingArchived, archivedLoaded,
    reset, load, loadMore, loadArchived, setShowingArchived, open, restoreOpenChat, peerOf, byConversationId,
    applyMessage, applyRead, applyRecall, applyPresence, applyTyping, applyEdit, applyHide, applyConversationChange,
    markRead, refreshPresence, block, unblock, updateFlags, clear, unmatch,
  };
});
