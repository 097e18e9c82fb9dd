import { registerWebPush, unregisterWebPush, type ParleyError } from '@parley/sdk';
import { defineStore } from 'pinia';
import { ref, watch } from 'vue';
import { chatClient } from '../chat-client.js';
import { useConversationsStore } from './conversations.js';
import { useSessionStore } from './session.js';

/**
 * - `unsupported`: this browser has no service workers, Push API or notifications;
 * - `unavailable`: the server does not send Web Push (no VAPID key configured);
 * - `denied`: the user blocked notifications for this site;
 * - `off` / `on`: whether this browser is registered for the signed-in user.
 */
export type WebPushStatus = 'checking' | 'unsupported' | 'unavailable' | 'denied' | 'off' | 'on';

const WORKER_URL = '/sw.js';
/** What the service worker posts to an open tab when a notification is clicked. */
const OPEN_CONVERSATION = 'parley:open-conversation';

const supported = () => typeof navigator !== 'undefined' && 'serviceWorker' in navigator && typeof PushManager !== 'undefined' && typeof Notification !== 'undefined';

/** The notification opt-in (Web Push) and what a clicked notification opens. */
export const useWebPushStore = defineStore('web-push', () => {
  const status = ref<WebPushStatus>('checking');
  const busy = ref(false);
  const error = ref<string | null>(null);

  async function registration(): Promise<ServiceWorkerRegistration | undefined> {
    return navigator.serviceWorker.getRegistration('/');
  }

  /** Finds out where this browser stands; called when the settings open. */
  async function refresh(): Promise<void> {
    error.value = null;
    if (!supported()) {
      status.value = 'unsupported';
      return;
    }
    try {
      await chatClient().api.request('GET', '/push/webpush/key');
    } catch (e) {
      status.value = (e as ParleyError).code === 'NOT_FOUND' ? 'unavailable' : status.value;
      if (status.value !== 'unavailable') error.value = (e as Error).message;
      return;
    }
    if (Notification.permission === 'denied') {
      status.value = 'denied';
      return;
    }
    const subscription = await (await registration())?.pushManager.getSubscription();
    status.value = subscription && Notification.permission === 'granted' ? 'on' : 'off';
  }

  /** Asks for permission (call it from a click), installs the service worker and registers this browser. */
  async function enable(): Promise<void> {
    busy.value = true;
    error.value = null;
    try {
      const permission = await Notification.requestPermission();
      if (permission !== 'granted') {
        status.value = permission === 'denied' ? 'denied' : 'off';
        return;
      }
      await navigator.serviceWorker.register(WORKER_URL);
      await registerWebPush(chatClient().api, await navigator.serviceWorker.ready);
      status.value = 'on';
    } catch (e) {
      error.value = (e as Error).message;
    } finally {
      busy.value = false;
    }
  }

  async function disable(): Promise<void> {
    busy.value = true;
    error.value = null;
    try {
      const reg = await registration();
      if (reg) await unregisterWebPush(chatClient().api, reg);
      status.value = 'off';
    } catch (e) {
      error.value = (e as Error).message;
    } finally {
      busy.value = false;
    }
  }

  /** Signing out stops notifications to this browser: the next person at it must not get them. */
  async function forgetBrowser(): Promise<void> {
    if (!supported()) return;
    const reg = await registration();
    if (!reg) return;
    try {
      await unregisterWebPush(chatClient().api, reg);
    } catch {
      // The server could not be told (offline): dropping the browser's subscription is enough,
      // the push service then answers 410 and the server removes it at the next notification.
      await (await reg.pushManager.getSubscription())?.unsubscribe();
    }
    status.value = 'off';
  }

  /**
   * A clicked notification opens its chat: an open tab hears it from the service worker; a new
   * tab starts at `/?peer=<id>`, opened once the user is signed in and then taken off the address.
   */
  function openChatsFromNotifications(): void {
    const session = useSessionStore();
    if (supported()) {
      navigator.serviceWorker.addEventListener('message', (event: MessageEvent) => {
        const data = event.data as { type?: string; peerId?: unknown } | null;
        if (data?.type === OPEN_CONVERSATION && typeof data.peerId === 'number' && session.user) useConversationsStore().open(data.peerId);
      });
    }
    const peer = Number(new URLSearchParams(location.search).get('peer'));
    if (!Number.isSafeInteger(peer) || peer < 1) return;
    const stop = watch(
      () => session.user,
      (user) => {
        if (!user) return;
        useConversationsStore().open(peer);
        const url = new URL(location.href);
        url.searchParams.delete('peer');
        history.replaceState(history.state, '', url.pathname + url.search + url.hash);
        queueMicrotask(() => stop());
      },
      { immediate: true },
    );
  }

  return { status, busy, error, refresh, enable, disable, forgetBrowser, openChatsFromNotifications };
});
