import type { Message } from '@parley/protocol';
import type { ConnectionState, OwnProfile } from '@parley/sdk';
import { defineStore } from 'pinia';
import { ref } from 'vue';
import { chatClient, createChatClient, fetchAuthConfig, installChatClient, requestDevToken, type ChatClient } from '../chat-client.js';
import { previewOf, peerLabel } from '../format.js';
import { askNotificationPermission, notify, pageHidden } from '../notifier.js';
import { useConversationsStore } from './conversations.js';
import { useMessagesStore } from './messages.js';
import { useSettingsStore } from './settings.js';

const SESSION_KEY = 'parley-session';

interface SavedSession {
  userId: number;
  name: string;
}

/**
 * Who is signed in, the connection state, and the wiring of SDK events into the other stores.
 * The session is kept per tab (sessionStorage), so two windows can be two users.
 */
export const useSessionStore = defineStore('session', () => {
  const devAuth = ref<boolean | null>(null);
  const user = ref<SavedSession | null>(null);
  const profile = ref<OwnProfile | null>(null);
  const signingIn = ref(false);
  const error = ref<string | null>(null);
  const connection = ref<ConnectionState>('idle');
  let unsubscribe: (() => void)[] = [];

  /** Reads the server's auth config and resumes a saved session. */
  async function init(): Promise<void> {
    devAuth.value = (await fetchAuthConfig().catch(() => ({ devAuth: false }))).devAuth;
    const saved = readSaved();
    if (saved && devAuth.value) await signIn(saved.userId, saved.name).catch(() => undefined);
  }

  /** Development sign-in: a token for (userId, name), then connect. */
  async function signIn(userId: number, name: string): Promise<void> {
    signingIn.value = true;
    error.value = null;
    try {
      await requestDevToken(userId, name); // fails fast on a bad id before wiring anything
      askNotificationPermission();
      const client = createChatClient(userId, () => requestDevToken(userId, name));
      await start(client, { userId, name });
      try {
        sessionStorage.setItem(SESSION_KEY, JSON.stringify({ userId, name }));
      } catch {
        /* not remembered */
      }
    } catch (e) {
      error.value = (e as Error).message;
      throw e;
    } finally {
      signingIn.value = false;
    }
  }

  /** Wires `client` into the stores, loads the list and the outbox, and connects. */
  async function start(client: ChatClient, who: SavedSession): Promise<void> {
    const conversations = useConversationsStore();
    const messages = useMessagesStore();
    conversations.reset(who.userId);
    messages.reset();
    user.value = who;
    wire(client);
    await conversations.load();
    await messages.restorePending();
    void chatClient()
      .me()
      .then((p) => (profile.value = p))
      .catch(() => undefined);
    void client.connect().catch(() => undefined);
  }

  function wire(client: ChatClient): void {
    const conversations = useConversationsStore();
    const messages = useMessagesStore();
    unsubscribe = [
      client.on('message', (m) => onMessage(m)),
      client.on('read', (r) => conversations.applyRead(r)),
      client.on('recall', (n) => {
        messages.applyRecall(n);
        conversations.applyRecall(n);
      }),
      client.on('exchange', (a) => messages.applyExchange(a)),
      client.on('typing', (t) => conversations.applyTyping(t)),
      client.on('presence', (p) => conversations.applyPresence(p)),
      client.on('outbox', (item) => messages.applyOutbox(item)),
      client.on('state', (state, previous) => {
        connection.value = state;
        if (state === 'connected' && previous !== 'connected') void conversations.refreshPresence().catch(() => undefined);
      }),
    ];
  }

  function onMessage(m: Message): void {
    const conversations = useConversationsStore();
    const messages = useMessagesStore();
    const peerId = conversations.peerOf(m);
    messages.applyMessage(m, peerId);
    const unread = conversations.applyMessage(m);
    if (!unread) return;
    if (conversations.activePeerId === peerId && !pageHidden()) {
      void conversations.markRead(peerId).catch(() => undefined);
      return;
    }
    if (pageHidden()) {
      const { t } = useSettingsStore();
      const row = conversations.byPeer[peerId];
      notify(t('newMessageFrom', { name: peerLabel(row?.peerName ?? null, peerId, t) }), previewOf(m, t, user.value?.userId ?? null), () =>
        conversations.open(peerId),
      );
    }
  }

  /** Saves my profile (name, WeChat id and photos used by exchanges). */
  async function saveProfile(update: { name?: string; wechatId?: string | null; photoUrls?: string[] }): Promise<void> {
    profile.value = await chatClient().updateMe(update);
  }

  async function signOut(): Promise<void> {
    for (const off of unsubscribe) off();
    unsubscribe = [];
    try {
      await chatClient().disconnect();
    } catch {
      /* already gone */
    }
    installChatClient(null);
    try {
      sessionStorage.removeItem(SESSION_KEY);
    } catch {
      /* ignore */
    }
    user.value = null;
    profile.value = null;
    connection.value = 'idle';
    useConversationsStore().reset(null);
    useMessagesStore().reset();
  }

  /** Reconnect at once (e.g. the browser came back online). */
  function reconnectNow(): void {
    if (user.value) chatClient().reconnectNow();
  }

  return { devAuth, user, profile, signingIn, error, connection, init, signIn, start, saveProfile, signOut, reconnectNow };
});

function readSaved(): SavedSession | null {
  try {
    const raw = sessionStorage.getItem(SESSION_KEY);
    const parsed = raw ? (JSON.parse(raw) as SavedSession) : null;
    return parsed && Number.isInteger(parsed.userId) ? parsed : null;
  } catch {
    return null;
  }
}
