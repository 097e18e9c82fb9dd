/**
 * Folds a text into a canonical form for matching while remembering, for every code unit of
 * the folded text, which range of the original it came from. Detectors match on the folded
 * text and report ranges of the original, so masking never touches what the user did not write.
 */

export interface FoldedText {
  /** Full-width forms folded to ASCII, lower-cased, invisible characters removed. */
  readonly text: string;
  /** `starts[i]` / `ends[i]`: the original UTF-16 range that folded code unit `i` came from. */
  readonly starts: readonly number[];
  readonly ends: readonly number[];
}

export interface FoldOptions {
  /** Characters dropped from the folded text (besides the invisible ones). */
  readonly skip?: (char: string) => boolean;
}

/** Characters that render as nothing and are used to break up a number or a word unseen. */
const INVISIBLE = /^[\u00AD\u034F\u180E\u200B-\u200F\u2060-\u2064\uFE00-\uFE0F\uFEFF\u20E3]$|^[\u{E0020}-\u{E007F}]$/u;

/** Characters that join the one before them on screen (keycap, variation selector, joiner). */
const ATTACHING = /^[\p{M}\u200D\u{E0020}-\u{E007F}]$/u;

const FULL_WIDTH_FIRST = 0xff01;
const FULL_WIDTH_LAST = 0xff5e;
const FULL_WIDTH_OFFSET = 0xfee0;
const IDEOGRAPHIC_SPACE = 0x3000;

/** Digits drawn in circles or as dingbats, a common way to hide a phone number from a plain digit match. */
function decorativeDigit(codePoint: number): string | null {
  if (codePoint >= 0x2460 && codePoint <= 0x2468) return String(codePoint - 0x2460 + 1);
  if (codePoint === 0x24ea || codePoint === 0x24ff || codePoint === 0x1f10b || codePoint === 0x1f10c) return '0';
  if (codePoint >= 0x2474 && codePoint <= 0x247c) return String(codePoint - 0x2474 + 1);
  if (codePoint >= 0x2488 && codePoint <= 0x2490) return String(codePoint - 0x2488 + 1);
  if (codePoint >= 0x24f5 && codePoint <= 0x24fd) return String(codePoint - 0x24f5 + 1);
  if (codePoint >= 0x2776 && codePoint <= 0x277e) return String(codePoint - 0x2776 + 1);
  if (codePoint >= 0x2780 && codePoint <= 0x2788) return String(codePoint - 0x2780 + 1);
  if (codePoint >= 0x278a && codePoint <= 0x2792) return String(codePoint - 0x278a + 1);
  if (codePoint >= 0x1d7ce && codePoint <= 0x1d7ff) return String((codePoint - 0x1d7ce) % 10);
  return null;
}

/** The folded form of one code point: full-width ASCII to ASCII, decorative digits to digits, lower case. */
export function foldChar(char: string): string {
  const codePoint = char.codePointAt(0)!;
  if (codePoint >= FULL_WIDTH_FIRST && codePoint <= FULL_WIDTH_LAST) return String.fromCodePoint(codePoint - FULL_WIDTH_OFFSET).toLowerCase();
  if (codePoint === IDEOGRAPHIC_SPACE) return ' ';
  return decorativeDigit(codePoint) ?? char.toLowerCase();
}

export function isInvisible(char: string): boolean {
  return INVISIBLE.test(char);
}

export function foldText(original: string, options: FoldOptions = {}): FoldedText {
  let text = '';
  const starts: number[] = [];
  const ends: number[] = [];
  let offset = 0;
  for (const char of original) {
    const start = offset;
    offset += char.length;
    if (isInvisible(char) || options.skip?.(char)) {
      // A keycap or variation selector is part of the character before it, so a span ending there covers it too.
      if (ends.length > 0 && ATTACHING.test(char)) ends[ends.length - 1] = offset;
      continue;
    }
    const folded = foldChar(char);
    for (let unit = 0; unit < folded.length; unit++) {
      starts.push(start);
      ends.push(offset);
    }
    text += folded;
  }
  return { text, starts, ends };
}

/** The original range of folded code units `[start, end)`. */
export function originalRange(folded: FoldedText, start: number, end: number): { start: number; end: number } {
  return { start: folded.starts[start]!, end: folded.ends[end - 1]! };
}
