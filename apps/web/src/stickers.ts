/**
 * Sticker codes sent as EMOJI messages (content = code, 1–64 characters) and the glyph shown for
 * each. Unknown codes (from other clients) are shown as their text.
 */
export const STICKERS: Record<string, string> = {
  'smile': '😄',
  'laugh': '😂',
  'heart': '❤️',
  'thumbs-up': '👍',
  'clap': '👏',
  'wave': '👋',
  'rose': '🌹',
  'party': '🎉',
  'think': '🤔',
  'cry': '😭',
  'cool': '😎',
  'coffee': '☕',
};

/** Emoji inserted into the text composer. */
export const EMOJI = ['😀', '😁', '😂', '🤣', '😊', '😍', '😘', '😎', '🤔', '😅', '😭', '😡', '👍', '👎', '🙏', '👏', '💪', '🎉', '❤️', '💔', '🌹', '🔥', '✨', '🍻'];

export function stickerGlyph(code: string): string | null {
  return STICKERS[code] ?? null;
}
