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
