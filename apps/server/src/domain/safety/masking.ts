/**
 * Replaces ranges of a text by `*`. One `*` per grapheme cluster (what a reader sees as one
 * character), so a full-width digit, an emoji or a keycap digit like 1️⃣ (three code points)
 * each become one star and the masked text keeps the visible length of what it hides.
 */

export interface TextSpan {
  /** UTF-16 code unit offsets into the original text, `end` exclusive. */
  readonly start: number;
  readonly end: number;
}

export const MASK_CHAR = '*';

/** Sorted, with overlapping and touching spans joined. */
export function mergeSpans<T extends TextSpan>(spans: readonly T[]): TextSpan[] {
  const sorted = [...spans].filter((span) => span.end > span.start).sort((a, b) => a.start - b.start || a.end - b.end);
  const merged: TextSpan[] = [];
  for (const span of sorted) {
    const last = merged[merged.length - 1];
    if (last && span.start <= last.end) merged[merged.length - 1] = { start: last.start, end: Math.max(last.end, span.end) };
    else merged.push({ start: span.start, end: span.end });
  }
  return merged;
}

const graphemes = new Intl.Segmenter(undefined, { granularity: 'grapheme' });

export function visibleLength(text: string): number {
  let count = 0;
  for (const _ of graphemes.segment(text)) count++;
  return count;
}

export function maskSpans(text: string, spans: readonly TextSpan[]): string {
  let masked = '';
  let cursor = 0;
  for (const span of mergeSpans(spans)) {
    masked += text.slice(cursor, span.start);
    masked += MASK_CHAR.repeat(visibleLength(text.slice(span.start, span.end)));
    cursor = span.end;
  }
  return masked + text.slice(cursor);
}
