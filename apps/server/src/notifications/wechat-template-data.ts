import type { NotificationPayload } from './channel.js';

/** WeChat's limit for a `thing` template field, in characters. */
export const WECHAT_THING_MAX_CHARS = 20;

/**
 * Cuts `text` to at most `max` characters, counted as WeChat counts them: by code point, so an
 * emoji or a rare CJK character outside the BMP is one character, and never split in half.
 * A cut text ends in "…" within the limit. WeChat refuses an empty `thing`, so blank becomes "-".
 */
export function truncateChars(text: string, max: number): string {
  const chars = Array.from(text.replace(/\s+/g, ' ').trim());
  if (chars.length === 0) return '-';
  return chars.length <= max ? chars.join('') : `${chars.slice(0, max - 1).join('')}…`;
}

/** `YYYY-MM-DD HH:mm` in the given time zone: what a WeChat `time` field shows. */
export function wechatTime(iso: string, timeZone: string): string {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' })
      .formatToParts(new Date(iso))
      .map((p) => [p.type, p.value]),
  );
  return `${parts.year}-${parts.month}-${parts.day} ${parts.hour}:${parts.minute}`;
}

/**
 * The template fields both WeChat channels fill: `thing1` who wrote (the notification's title, so
 * `PARLEY_PUSH_PREVIEW=none` hides the sender here too), `thing2` the preview text, `time3` when.
 * A template chosen in the WeChat console must have these three keywords in this order.
 */
export function templateData(n: NotificationPayload, timeZone: string): Record<'thing1' | 'thing2' | 'time3', { value: string }> {
  return {
    thing1: { value: truncateChars(n.preview.title, WECHAT_THING_MAX_CHARS) },
    thing2: { value: truncateChars(n.preview.body, WECHAT_THING_MAX_CHARS) },
    time3: { value: wechatTime(n.createdAt, timeZone) },
  };
}

/** The mini-program page a notification opens: the configured page with the conversation. */
export const conversationPage = (page: string, conversationId: number) => `${page}?conversationId=${conversationId}`;
