import type { Conversation, Message, PresenceChange, ReadReceipt, RecallNotice, TypingNotice } from '@parley/protocol';
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
  peerReadUpToSeq: number;
  typing: boolean;
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
    peerReadUpToSeq: c.peerReadUpToSeq ?? 0,
    typing: false,
  };
}

function blank(peerId: number): ConversationView {
  return {
    id: null, peerId, peerName: null, avatarUrl: null, online: false, lastSeenAt: null, lastMessage: null,
    lastActivity: null, lastSeq: 0, unreadCount: 0, myReadUpToSeq: 0, peerReadUpToSeq: 0, typing: false,
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

  const sorted = computed(() =>
    Object.values(byPeer.value).sort((a, b) => (b.lastActivity ?? '').localeCompare(a.lastActivity ?? '') || b.peerId - a.peerId),
  );
  const totalUnread = computed(() => Object.values(byPeer.value).reduce((n, c) => n + c.unreadCount, 0));
  const active = computed(() => (activePeerId.value === null ? null : (byPeer.value[activePeerId.value] ?? null)));

  function reset(userId: number | null): void {
    byPeer.value = {};
    activePeerId.value = null;
    blocked.value = [];
    loaded.value = false;
    nextBefore.value = null;
    myId.value = userId;
    for (const timer of typingTimers.values()) clearTimeout(timer);
    typingTimers.clear();
    if (refreshTimer) clearTimeout(refreshTimer);
    refreshTimer = null;
  }

  /** Loads the first page of the list (also the SDK's sync baseline) and my blocks. */
  async function load(): Promise<void> {
    const client = chatClient();
    const [page, blocks] = await Promise.all([client.conversations({ limit: LIMITS.conversationsMaxLimit }), client.blockedUserIds().catch(() => [])]);
    for (const c of page.items) mergeFromServer(c);
    nextBefore.value = page.nextBefore;
    blocked.value = blocks;
    loaded.value = true;
  }

  /**
   * Takes the server's row; when an event already moved the local row past it (a race with a
   * push), only the peer's profile and presence are taken.
   */
  function mergeFromServer(c: Conversation): void {
    const local = byPeer.value[c.peer.id];
    const fresh = fromConversation(c);
    if (!local || fresh.lastSeq >= local.lastSeq) {
      byPeer.value[c.peer.id] = { ...fresh, typing: local?.typing ?? false };
      return;
    }
    Object.assign(local, { id: fresh.id, peerName: fresh.peerName, avatarUrl: fresh.avatarUrl, online: fresh.online, lastSeenAt: fresh.lastSeenAt });
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
    for (const c of page.items) mergeFromServer(c);
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
    } else {
      row.peerReadUpToSeq = Math.max(row.peerReadUpToSeq, r.readUpToSeq);
    }
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
    byPeer, activePeerId, blocked, loaded, nextBefore, myId, sorted, totalUnread, active,
    reset, load, loadMore, open, restoreOpenChat, peerOf, applyMessage, applyRead, applyRecall, applyPresence, applyTyping,
    markRead, refreshPresence, block, unblock,
  };
});
