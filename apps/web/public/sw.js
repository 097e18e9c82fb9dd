/*
 * The web client's service worker: shows the notifications the server sends through Web Push
 * while no tab is connected, and opens the conversation when one is clicked. The push payload is
 * JSON: { title, body, conversationId, peerId, count, unreadTotal, url, tag, notificationId }.
 */

self.addEventListener('install', () => self.skipWaiting());
self.addEventListener('activate', (event) => event.waitUntil(self.clients.claim()));

self.addEventListener('push', (event) => {
  let data = {};
  try {
    data = event.data ? event.data.json() : {};
  } catch {
    data = { body: event.data ? event.data.text() : '' };
  }
  const options = {
    body: data.body || '',
    icon: '/favicon.svg',
    // One notice per conversation: a newer one replaces the older instead of stacking up.
    tag: data.tag || undefined,
    data: { url: data.url || '/', peerId: data.peerId ?? null, conversationId: data.conversationId ?? null },
  };
  event.waitUntil(self.registration.showNotification(data.title || 'Parley', options));
});

self.addEventListener('notificationclick', (event) => {
  event.notification.close();
  const { url, peerId, conversationId } = event.notification.data || {};
  event.waitUntil(openConversation(url || '/', peerId, conversationId));
});

/** An open tab is focused and told which chat to show; without one, a new tab opens at the chat's address. */
async function openConversation(url, peerId, conversationId) {
  const tabs = await self.clients.matchAll({ type: 'window', includeUncontrolled: true });
  const tab = tabs.find((c) => new URL(c.url).origin === self.location.origin);
  if (tab) {
    await tab.focus();
    tab.postMessage({ type: 'parley:open-conversation', peerId, conversationId });
    return;
  }
  await self.clients.openWindow(new URL(url, self.registration.scope).href);
}
