import type { Message } from '@parley/protocol';
import type { Locale, MessageKey } from './i18n.js';
import { stickerGlyph } from './stickers.js';

type T = (key: MessageKey, params?: Record<string, string | number>) => string;

/** A one-line preview of a message for the conversation list and notifications (plain text). */
export function previewOf(m: Message | null, t: T, myId: number | null): string {
  if (!m) return '';
  if (m.status === 'RECALLED') return m.senderId === myId ? t('recalledByMe') : t('recalled');
  switch (m.messageType) {
    case 'TEXT':
      return m.content.replace(/\s+/g, ' ').slice(0, 80);
    case 'EMOJI':
      return stickerGlyph(m.content) ?? t('sticker');
    case 'IMAGE':
      return t('image');
    case 'VOICE':
      return t('voice');
    case 'VIDEO':
      return t('video');
    case 'CUSTOM':
      // The host app's card: its fallback text is what a client without support shows.
      return m.content.replace(/\s+/g, ' ').slice(0, 80) || t('custom');
    default:
      return t('exchange');
  }
}

/** Time of a message: hh:mm today, else the date. */
export function shortTime(iso: string | null, locale: Locale, now = new Date()): string {
  if (!iso) return '';
  const d = new Date(iso);
  const sameDay = d.toDateString() === now.toDateString();
  return sameDay
    ? d.toLocaleTimeString(locale, { hour: '2-digit', minute: '2-digit' })
    : d.toLocaleDateString(locale, { month: 'short', day: 'numeric' });
}

/** The display name of a peer. */
export function peerLabel(name: string | null, id: number, t: T): string {
  return name?.trim() ? name : t('user', { id });
}

/** Splits `text` around case-insensitive occurrences of `query`, for highlighting search hits. */
export function highlightParts(text: string, query: string): { text: string; hit: boolean }[] {
  const q = query.trim().toLowerCase();
  if (!q) return [{ text, hit: false }];
  const parts: { text: string; hit: boolean }[] = [];
  const lower = text.toLowerCase();
  let at = 0;
  for (let found = lower.indexOf(q); found >= 0; found = lower.indexOf(q, at)) {
    if (found > at) parts.push({ text: text.slice(at, found), hit: false });
    parts.push({ text: text.slice(found, found + q.length), hit: true });
    at = found + q.length;
  }
  if (at < text.length) parts.push({ text: text.slice(at), hit: false });
  return parts;
}

/** A one-line piece of `text` that shows the first occurrence of `query` (with "…" where cut). */
export function snippetAround(text: string, query: string, width = 80): string {
  const flat = text.replace(/\s+/g, ' ');
  const at = flat.toLowerCase().indexOf(query.trim().toLowerCase());
  if (flat.length <= width || at < 0) return flat.slice(0, width);
  const start = Math.max(0, Math.min(at - 20, flat.length - width));
  return `${start > 0 ? '…' : ''}${flat.slice(start, start + width)}${start + width < flat.length ? '…' : ''}`;
}
