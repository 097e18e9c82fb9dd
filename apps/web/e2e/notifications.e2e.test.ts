// @vitest-environment node
import { createECDH, randomUUID } from 'node:crypto';
import type { Browser, BrowserContext, Page, Worker } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, devToken, ensureWebBuilt, eventually, launchChromium, startServer, type TestServer } from './support.js';

/**
 * The notification opt-in and the service worker. Chromium's push service is not reachable
 * here, so the page's PushManager is stubbed (the test sees the subscription call and what the
 * client registers with the server); the service worker is the real one, given a push message
 * through the DevTools protocol as a push service would, and a click on its notification.
 */
// The service worker's globals, as the functions evaluated inside it see them (this file is
// type-checked with the DOM library, which does not describe a worker's scope).
interface WorkerScope {
  registration: ServiceWorkerRegistration;
  clients: object;
  dispatchEvent(event: Event): boolean;
}
declare const NotificationEvent: new (type: string, init: { notification: Notification }) => Event;
declare const WindowClient: { prototype: { focus(): Promise<unknown> } };

const ANN = 31;
const BOB = 32;

function vapidKeys() {
  const ecdh = createECDH('prime256v1');
  ecdh.generateKeys();
  return { publicKey: ecdh.getPublicKey().toString('base64url'), privateKey: ecdh.getPrivateKey().toString('base64url') };
}

/** Replaces PushManager's two calls: records what `subscribe` is asked and hands out a made-up subscription. */
function stubPushManager(): void {
  const state = { calls: [] as { userVisibleOnly: boolean; key: number[] }[], current: null as unknown, unsubscribed: 0 };
  (window as unknown as { __push: typeof state }).__push = state;
  PushManager.prototype.subscribe = async function (options?: PushSubscriptionOptionsInit) {
    const key = new Uint8Array(options!.applicationServerKey as ArrayBuffer);
    state.calls.push({ userVisibleOnly: Boolean(options!.userVisibleOnly), key: Array.from(key) });
    const subscription = {
      endpoint: 'https://push.example.com/send/ann-browser',
      options: { applicationServerKey: key.buffer },
      toJSON: () => ({
        endpoint: 'https://push.example.com/send/ann-browser',
        expirationTime: null,
        keys: { p256dh: 'BPcMbnWQL5GOYX_5SR8anNH9fyZGFqkpUBhuyJuV7e2ldz2VHDaVnD4DAKzpgkg3ZWOpL8gdcgxF8Z7tzqjCsVE', auth: '4vQK-SvRAN5eo-8ASlrwAw' },
      }),
      unsubscribe: async () => {
        state.current = null;
        state.unsubscribed++;
        return true;
      },
    };
    state.current = subscription;
    return subscription as unknown as PushSubscription;
  };
  PushManager.prototype.getSubscription = async () => state.current as PushSubscription | null;
}

describe('notification opt-in and service worker', () => {
  const vapid = vapidKeys();
  let server: TestServer;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;

  async function signIn(target: Page, url: string): Promise<void> {
    await target.goto(url);
    await target.locator('input[name="userId"]').fill(String(ANN));
    await target.locator('input[name="name"]').fill('Ann');
    await target.locator('form button[type="submit"]').click();
    await target.locator('[data-testid="me"]').waitFor({ timeout: 30_000 });
  }

  beforeAll(async () => {
    ensureWebBuilt();
    server = await startServer({ PARLEY_DEV_AUTH: 'true', PARLEY_VAPID_PUBLIC_KEY: vapid.publicKey, PARLEY_VAPID_PRIVATE_KEY: vapid.privateKey, PARLEY_VAPID_SUBJECT: 'mailto:ops@example.com' });
    const bob = await devToken(server.baseUrl, BOB, 'Bob');
    await devToken(server.baseUrl, ANN, 'Ann');
    await api(server.baseUrl, bob, 'POST', '/messages', { receiverId: ANN, messageType: 'TEXT', content: 'hello Ann', clientMsgId: randomUUID() });
    browser = await launchChromium();
    context = await browser.newContext({ locale: 'en-US' });
    await context.grantPermissions(['notifications'], { origin: server.baseUrl });
    await context.addInitScript(stubPushManager);
    page = await context.newPage();
    await signIn(page, server.baseUrl);
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  let worker: Worker;

  it('subscribes with the server key when turned on, registers the subscription, and removes it when turned off', async () => {
    const posted: unknown[] = [];
    page.on('request', (r) => {
      if (r.url().endsWith('/push/webpush/subscriptions')) posted.push({ method: r.method(), body: r.postDataJSON() });
    });
    await page.getByRole('button', { name: 'Notifications' }).click();
    const status = page.getByTestId('notification-status');
    await expect.poll(() => status.getAttribute('data-status')).toBe('off');
    const registered = page.waitForResponse((r) => r.url().endsWith('/push/webpush/subscriptions') && r.request().method() === 'POST');
    const workerStarted = context.waitForEvent('serviceworker');
    await page.getByRole('button', { name: 'Turn on' }).click();
    expect((await registered).status()).toBe(204);
    await expect.poll(() => status.getAttribute('data-status')).toBe('on');
    worker = context.serviceWorkers()[0] ?? (await workerStarted);
    expect(new URL(worker.url()).pathname).toBe('/sw.js');

    const calls = await page.evaluate(() => (window as unknown as { __push: { calls: { userVisibleOnly: boolean; key: number[] }[] } }).__push.calls);
    expect(calls).toHaveLength(1);
    expect(calls[0]!.userVisibleOnly).toBe(true);
    expect(Buffer.from(calls[0]!.key).toString('base64url')).toBe(vapid.publicKey);
    expect(posted[0]).toMatchObject({ method: 'POST', body: { endpoint: 'https://push.example.com/send/ann-browser', keys: { auth: '4vQK-SvRAN5eo-8ASlrwAw' } } });

    const removed = page.waitForResponse((r) => r.url().endsWith('/push/webpush/subscriptions') && r.request().method() === 'DELETE');
    await page.getByRole('button', { name: 'Turn off' }).click();
    expect((await removed).status()).toBe(204);
    await expect.poll(() => status.getAttribute('data-status')).toBe('off');
    expect(posted[1]).toEqual({ method: 'DELETE', body: { endpoint: 'https://push.example.com/send/ann-browser' } });
    expect(await page.evaluate(() => (window as unknown as { __push: { unsubscribed: number } }).__push.unsubscribed)).toBe(1);

    // zh-CN too.
    await page.getByRole('button', { name: 'Cancel' }).click();
    await page.getByLabel('Language').selectOption('zh-CN');
    await page.getByRole('button', { name: '通知' }).click();
    await expect.poll(() => page.getByTestId('notification-status').textContent()).toContain('Parley 关闭时收到新消息');
    await page.getByRole('button', { name: '开启' }).waitFor();
    await page.getByRole('button', { name: '取消' }).click();
    await page.getByLabel('语言').selectOption('en');
  });

  it('shows a pushed notification, and a click opens the conversation in the open tab', async () => {
    const cdp = await context.newCDPSession(page);
    const registrationId = new Promise<string>((resolve) =>
      cdp.on('ServiceWorker.workerRegistrationUpdated', ({ registrations }) => {
        const mine = registrations.find((r) => r.scopeURL.startsWith(server.baseUrl) && !r.isDeleted);
        if (mine) resolve(mine.registrationId);
      }),
    );
    await cdp.send('ServiceWorker.enable');
    const data = { title: 'Bob', body: 'New message', conversationId: 1, peerId: BOB, count: 2, unreadTotal: 2, url: `/?peer=${BOB}`, tag: 'parley-conversation-1', notificationId: 'n-1' };
    await cdp.send('ServiceWorker.deliverPushMessage', { origin: server.baseUrl, registrationId: await registrationId, data: JSON.stringify(data) });

    const shown = () =>
      page.evaluate(async () =>
        (await (await navigator.serviceWorker.ready).getNotifications()).map((n) => ({ title: n.title, body: n.body, tag: n.tag, data: n.data as unknown })),
      );
    await eventually(async () => (await shown()).length === 1, 'the notification is shown');
    expect(await shown()).toEqual([{ title: 'Bob', body: 'New message', tag: 'parley-conversation-1', data: { url: `/?peer=${BOB}`, peerId: BOB, conversationId: 1 } }]);

    // A newer notice of the same conversation replaces it rather than stacking.
    await cdp.send('ServiceWorker.deliverPushMessage', { origin: server.baseUrl, registrationId: await registrationId, data: JSON.stringify({ ...data, body: '3 new messages' }) });
    await eventually(async () => (await shown())[0]?.body === '3 new messages', 'the newer notice replaces the older');
    expect(await shown()).toHaveLength(1);

    await expect.poll(() => page.locator(`.conversation[data-peer="${BOB}"]`).getAttribute('aria-current')).toBeNull();
    // A click is the user's gesture that lets a worker focus a tab; the test dispatches the click
    // itself, so it grants that one permission by hand.
    await worker.evaluate(async () => {
      const sw = self as unknown as WorkerScope;
      const [notification] = await sw.registration.getNotifications();
      WindowClient.prototype.focus = function (this: unknown) {
        return Promise.resolve(this);
      };
      const click = new NotificationEvent('notificationclick', { notification: notification! });
      const work: Promise<unknown>[] = [];
      Object.defineProperty(click, 'waitUntil', { value: (p: Promise<unknown>) => work.push(p) });
      sw.dispatchEvent(click);
      await Promise.all(work);
    });
    await expect.poll(() => page.locator(`.conversation[data-peer="${BOB}"]`).getAttribute('aria-current')).toBe('true');
    expect(await shown()).toEqual([]);
  });

  it('opens a new tab at the conversation when no tab is open', async () => {
    await page.locator('.conversation').first().waitFor();
    const opened = await worker.evaluate(async () => {
      const sw = self as unknown as WorkerScope;
      await sw.registration.showNotification('Bob', { body: 'New message', data: { url: '/?peer=32', peerId: 32, conversationId: 1 } });
      const [notification] = await sw.registration.getNotifications();
      const urls: string[] = [];
      // No tab: the worker sees no window and opens one (the test records it instead).
      Object.defineProperty(sw.clients, 'matchAll', { value: async () => [] });
      Object.defineProperty(sw.clients, 'openWindow', { value: async (url: string) => (urls.push(url), null) });
      const click = new NotificationEvent('notificationclick', { notification: notification! });
      const work: Promise<unknown>[] = [];
      Object.defineProperty(click, 'waitUntil', { value: (p: Promise<unknown>) => work.push(p) });
      sw.dispatchEvent(click);
      await Promise.all(work);
      return urls;
    });
    expect(opened).toEqual([`${server.baseUrl}/?peer=${BOB}`]);

    // That address, in a fresh tab that must sign in first, opens the chat and cleans the address bar.
    const fresh = await context.newPage();
    await signIn(fresh, opened[0]!);
    await expect.poll(() => fresh.locator(`.conversation[data-peer="${BOB}"]`).getAttribute('aria-current')).toBe('true');
    expect(new URL(fresh.url()).search).toBe('');
  });
});
