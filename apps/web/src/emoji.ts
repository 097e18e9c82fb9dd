const segmenter = typeof Intl !== 'undefined' && 'Segmenter' in Intl ? new Intl.Segmenter(undefined, { granularity: 'grapheme' }) : null;
const PICTOGRAPH = /\p{Extended_Pictographic}|\p{Regional_Indicator}/u;

/** A text of one to three emoji and nothing else: shown large, as chat apps do. */
export function isEmojiOnly(text: string): boolean {
  const compact = text.replace(/\s+/g, '');
  if (!compact || !segmenter) return false;
  const graphemes = [...segmenter.segment(compact)].map((s) => s.segment);
  return graphemes.length <= 3 && graphemes.every((g) => PICTOGRAPH.test(g) && !/[\p{L}\p{N}]/u.test(g.replace(/[\u20e3\ufe0f]/g, '')));
}
