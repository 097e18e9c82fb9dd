/** Browser attention helpers: the unread count in the title and desktop notifications. */

const BASE_TITLE = 'Parley';

/** Shows `(n) Parley` while there are unread messages. */
export function showUnreadInTitle(unread: number): void {
  if (typeof document === 'undefined') return;
  document.title = unread > 0 ? `(${unread > 99 ? '99+' : unread}) ${BASE_TITLE}` : BASE_TITLE;
}

/** True while the page is not visible (another tab, minimised). */
export function pageHidden(): boolean {
  return typeof document !== 'undefined' && document.visibilityState === 'hidden';
}

/** Asks for notification permission once (call from a user gesture such as sign-in). */
export function askNotificationPermission(): void {
  if (typeof Notification === 'undefined' || Notification.permission !== 'default') return;
  void Notification.requestPermission().catch(() => undefined);
}

/** Shows a desktop notification when allowed; clicking it focuses the tab and runs `onClick`. */
export function notify(title: string, body: string, onClick: () => void): void {
  if (typeof Notification === 'undefined' || Notification.permission !== 'granted') return;
  try {
    const n = new Notification(title, { body, tag: 'parley-message' });
    n.onclick = () => {
      window.focus();
      onClick();
      n.close();
    };
  } catch {
    /* some browsers only allow notifications from a service worker */
  }
}
