import type { Message } from '@parley/protocol';
import type { ConnectionState, OwnProfile } from '@parley/sdk';
import { defineStore } from 'pinia';
import { computed, ref } from 'vue';
import {
  chatClient, createChatClient, fetchHostToken, fetchOwnIdentity, fetchWebConfig, installChatClient, requestDevToken, SignInError, type ChatClient,
} from '../chat-client.js';
import { originAllowed } from '../frame-ancestors.js';
import { TokenKeeper } from '../token-keeper.js';
import { looksLikeJwt } from '../token-expiry.js';
import { previewOf, peerLabel } from '../format.js';
import { askNotificationPermission, notify, pageHidden } from '../notifier.js';
import { useConversationsStore } from './conversations.js';
import { useMessagesStore } from './messages.js';
import { useSearchStore } from './search.js';
import { useSettingsStore } from './settings.js';

const SESSION_KEY = 'parley-session';

interface SavedSession {
  userId: number;
  name: string;
  /** A host app's token handed over in the address bar or by postMessage (it cannot be asked for again). */
  token?: string;
}

/** Why the host app's sign-in failed, shown instead of a blank page. */
export type AuthProblem = { kind: 'rejected' } | { kind: 'token-url'; reason: string };

/** The message a host page posts to an embedded client: `{ type: 'parley:token', token }`. */
export const HOST_TOKEN_MESSAGE = 'parley:token';
/** What the client posts to its parent (or opener) once it accepts `parley:token`. */
export const HOST_READY_MESSAGE = 'parley:ready';

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
  /** The browser's own view of the network (`online` / `offline` events). */
  const networkOnline = ref(typeof navigator === 'undefined' ? true : navigator.onLine !== false);
  const authProblem = ref<AuthProblem | null>(null);
  /** Set when an operator banned this user: the client stopped reconnecting; the text says why. */
  const banned = ref<string | null>(null);
  /** Whether I share read receipts (reciprocal: off, I neither send nor see them). */
  const readReceipts = ref(true);
  /** Connected and on the network: only then are presence and "sending" states true. */
  const live = computed(() => connection.value === 'connected' && networkOnline.value);
  let unsubscribe: (() => void)[] = [];
  let keeper: TokenKeeper | null = null;
  let frameAncestors: string[] = ["'self'"];

  /**
   * Reads how this server signs in, then signs in with, in this order: a token in the address
   * bar, the host app's token URL, or the session this tab had before a reload.
   */
  async function init(): Promise<void> {
    const config = await fetchWebConfig().catch(() => ({ devAuth: false, tokenUrl: null, frameAncestors: ["'self'"] }));
    devAuth.value = config.devAuth;
    frameAncestors = config.frameAncestors;
    listenForHostTokens();
    const fromAddressBar = takeAddressBarToken();
    if (fromAddressBar !== null) return signInWithToken(fromAddressBar, null).catch(() => undefined);
    const tokenUrl = config.tokenUrl;
    if (tokenUrl) {
      const token = await fetchHostToken(tokenUrl).catch((e: unknown) => reportAuthProblem(e));
      if (token) await signInWithToken(token, () => fetchHostToken(tokenUrl)).catch(() => undefined);
      return;
    }
    const saved = readSaved();
    if (saved?.token) await signInWithToken(saved.token, null).catch(() => undefined);
    else if (saved && devAuth.value) await signIn(saved.userId, saved.name).catch(() => undefined);
  }

  /**
   * Signs in with the host app's access token. `fetchFresh` (a token URL) gets the next token
   * before this one expires; without it the token is remembered for this tab, as it cannot be
   * asked for again.
   */
  async function signInWithToken(token: string, fetchFresh: (() => Promise<string>) | null): Promise<void> {
    signingIn.value = true;
    authProblem.value = null;
    try {
      if (!looksLikeJwt(token)) throw new SignInError('rejected', 'not a JWT');
      const me = await fetchOwnIdentity(token);
      if (user.value?.userId === me.id && keeper) {
        keeper.set(token);
        if (!fetchFresh) remember({ ...user.value, token });
        return;
      }
      if (user.value) await signOut();
      const who: SavedSession = { userId: me.id, name: me.name ?? '' };
      remember(fetchFresh ? who : { ...who, token });
      keeper = new TokenKeeper(token, fetchFresh, (e) => reportAuthProblem(e));
      const tokens = keeper;
      await start(createChatClient(me.id, () => tokens.current()), who);
    } catch (e) {
      reportAuthProblem(e);
      throw e;
    } finally {
      signingIn.value = false;
    }
  }

  function reportAuthProblem(problem: unknown): null {
    if (problem instanceof SignInError) authProblem.value = problem.reason === 'rejected' ? { kind: 'rejected' } : { kind: 'token-url', reason: problem.message };
    else if ((problem as { code?: string }).code === 'UNAUTHORIZED') authProblem.value = { kind: 'rejected' };
    else error.value = (problem as Error).message ?? String(problem);
    return null;
  }

  /** `#access_token=…`: taken, then removed from the address bar and history at once. */
  function takeAddressBarToken(): string | null {
    if (typeof location === 'undefined' || !location.hash) return null;
    const params = new URLSearchParams(location.hash.slice(1));
    const token = params.get('access_token');
    if (token === null) return null;
    params.delete('access_token');
    const rest = params.toString();
    history.replaceState(history.state, '', `${location.pathname}${location.search}${rest ? `#${rest}` : ''}`);
    return token;
  }

  /**
   * A host page that keeps its token in memory posts it to the embedded client; the client says
   * `parley:ready` to its parent (or opener) once it listens, so the host knows when to post.
   */
  function listenForHostTokens(): void {
    if (typeof window === 'undefined') return;
    window.addEventListener('message', (event: MessageEvent) => {
      const data = event.data as { type?: unknown; token?: unknown } | null;
      if (data?.type !== HOST_TOKEN_MESSAGE || typeof data.token !== 'string') return;
      if (!originAllowed(event.origin, frameAncestors, location.origin)) return;
      void signInWithToken(data.token, null).catch(() => undefined);
    });
    const host = window.parent !== window ? window.parent : (window.opener as Window | null);
    // Carries no secret, so any origin may hear it; the token only comes back from an allowed one.
    host?.postMessage({ type: HOST_READY_MESSAGE }, '*');
  }

  /** Development sign-in: a token for (userId, name), then connect. */
  async function signIn(userId: number, name: string): Promise<void> {
    signingIn.value = true;
    error.value = null;
    try {
      await requestDevToken(userId, name); // fails fast on a bad id before wiring anything
      askNotificationPermission();
      // Remembered before anything loads, so a reload in the meantime keeps the session.
      remember({ userId, name });
      const client = createChatClient(userId, () => requestDevToken(userId, name));
      await start(client, { userId, name });
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
    try {
      await conversations.load();
    } catch (e) {
      // A banned user is told why instead of seeing a sign-in error.
      if ((e as { code?: string }).code !== 'USER_BANNED') throw e;
      banned.value = (e as Error).message;
      return;
    }
    conversations.restoreOpenChat();
    await messages.restorePending();
    void chatClient()
      .me()
      .then((p) => (profile.value = p))
      .catch(() => undefined);
    void chatClient()
      .settings()
      .then((s) => (readReceipts.value = s.readReceipts))
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
      client.on('edit', (m) => {
        messages.applyEdit(m);
        conversations.applyEdit(m);
      }),
      client.on('reaction', (r) => messages.applyReaction(r)),
      client.on('hide', (h) => conversations.applyHide(h, messages.applyHide(h))),
      client.on('conversation', (c) => {
        const row = conversations.byConversationId(c.conversationId);
        if (row && c.state === 'UNMATCHED') messages.forget(row.peerId);
        else if (row && c.clearedUpToSeq !== undefined) messages.applyClear(row.peerId, c.clearedUpToSeq);
        conversations.applyConversationChange(c);
      }),
      client.on('banned', (e) => (banned.value = e.message)),
      client.on('typing', (t) => conversations.applyTyping(t)),
      client.on('presence', (p) => conversations.applyPresence(p)),
      client.on('outbox', (item) => messages.applyOutbox(item)),
      client.on('error', (e) => {
        if ((e as { code?: string }).code === 'UNAUTHORIZED') authProblem.value = { kind: 'rejected' };
      }),
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
    const row = conversations.byPeer[peerId];
    // A muted conversation raises its unread count but no notification.
    if (pageHidden() && !row?.muted) {
      const { t } = useSettingsStore();
      notify(t('newMessageFrom', { name: peerLabel(row?.peerName ?? null, peerId, t) }), previewOf(m, t, user.value?.userId ?? null), () =>
        conversations.open(peerId),
      );
    }
  }

  /** Turns read receipts on or off; the list is reloaded since the peers' read marks change with it. */
  async function setReadReceipts(on: boolean): Promise<void> {
    readReceipts.value = (await chatClient().updateSettings({ readReceipts: on })).readReceipts;
    await useConversationsStore().load();
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
    keeper?.stop();
    keeper = null;
    try {
      sessionStorage.removeItem(SESSION_KEY);
    } catch {
      /* ignore */
    }
    user.value = null;
    profile.value = null;
    banned.value = null;
    readReceipts.value = true;
    connection.value = 'idle';
    useConversationsStore().reset(null);
    useMessagesStore().reset();
    useSearchStore().reset();
  }

  /** Reconnect at once (e.g. the browser came back online). */
  function reconnectNow(): void {
    if (user.value) chatClient().reconnectNow();
  }

  /** The browser lost or regained the network: say so at once rather than after missed heart-beats. */
  function setNetworkOnline(online: boolean): void {
    networkOnline.value = online;
    if (!user.value) return;
    if (online) chatClient().reconnectNow();
    else chatClient().dropConnection();
  }

  return {
    devAuth, user, profile, signingIn, error, connection, networkOnline, live, authProblem, banned, readReceipts,
    init, signIn, signInWithToken, start, saveProfile, setReadReceipts, signOut, reconnectNow, setNetworkOnline,
  };
});

function remember(session: SavedSession): void {
  try {
    sessionStorage.setItem(SESSION_KEY, JSON.stringify(session));
  } catch {
    /* not remembered */
  }
}

function readSaved(): SavedSession | null {
  try {
    const raw = sessionStorage.getItem(SESSION_KEY);
    const parsed = raw ? (JSON.parse(raw) as SavedSession) : null;
    return parsed && Number.isInteger(parsed.userId) ? parsed : null;
  } catch {
    return null;
  }
}
