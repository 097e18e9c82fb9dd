/**
 * Finds runs of digits in a folded text the way a person reads a written-out number: ASCII
 * digits, Chinese numerals (一三八, 幺 for 1, 壹贰叁) and short stretches of spaces,
 * punctuation or emoji between them all belong to one run. Where the writer put a gap, or
 * switched between ASCII digits and numerals, a new group starts; detectors use groups to
 * tell one number split for readability from two numbers that merely stand side by side.
 */

export interface RunDigit {
  readonly value: number;
  /** A Chinese numeral: a digit only when it stands in a number, so it never extends a group of ASCII digits. */
  readonly numeral: boolean;
  /** Range in the folded text. */
  readonly start: number;
  readonly end: number;
}

export interface DigitGroup {
  /** Index of the group's first digit in `RunDigit[]`. */
  readonly first: number;
  readonly length: number;
  /** What stood between the previous group and this one ('' for the first group or a numeral switch). */
  readonly separatorBefore: string;
}

export interface DigitRun {
  readonly digits: readonly RunDigit[];
  readonly groups: readonly DigitGroup[];
}

const NUMERAL_VALUES: Readonly<Record<string, number>> = {
  零: 0, 〇: 0, 一: 1, 幺: 1, 壹: 1, 二: 2, 贰: 2, 貳: 2, 三: 3, 叁: 3, 參: 3, 四: 4, 肆: 4,
  五: 5, 伍: 5, 六: 6, 陆: 6, 陸: 6, 七: 7, 柒: 7, 八: 8, 捌: 8, 九: 9, 玖: 9,
};

/** The longest stretch of non-digits that may sit inside one written number. */
export const MAX_GAP_CHARS = 3;

/**
 * Spaces, punctuation, symbols and emoji may split a number. A colon may not: it joins hours
 * and minutes, and a run of times must not add up to a phone number.
 */
const SEPARATOR = /^[\s\p{P}\p{S}\p{Extended_Pictographic}\p{M}\p{Cf}]$/u;

function isSeparator(char: string): boolean {
  return char !== ':' && SEPARATOR.test(char);
}

function digitOf(char: string): { value: number; numeral: boolean } | null {
  if (char >= '0' && char <= '9') return { value: char.charCodeAt(0) - 48, numeral: false };
  const numeral = NUMERAL_VALUES[char];
  return numeral === undefined ? null : { value: numeral, numeral: true };
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

export function findDigitRuns(folded: string): DigitRun[] {
  const runs: DigitRun[] = [];
  let digits: RunDigit[] = [];
  let groups: Array<Mutable<DigitGroup>> = [];
  let gap = '';
  let gapChars = 0;

  const closeRun = () => {
    if (digits.length > 0) runs.push({ digits, groups });
    digits = [];
    groups = [];
    gap = '';
    gapChars = 0;
  };

  let index = 0;
  for (const char of folded) {
    const start = index;
    index += char.length;
    const digit = digitOf(char);
    if (digit) {
      const previous = digits[digits.length - 1];
      const lastGroup = groups[groups.length - 1];
      if (previous && lastGroup && gapChars === 0 && previous.numeral === digit.numeral) lastGroup.length++;
      else groups.push({ first: digits.length, length: 1, separatorBefore: gap });
      digits.push({ value: digit.value, numeral: digit.numeral, start, end: index });
      gap = '';
      gapChars = 0;
      continue;
    }
    if (digits.length > 0 && isSeparator(char) && gapChars < MAX_GAP_CHARS) {
      gap += char;
      gapChars++;
      continue;
    }
    closeRun();
  }
  closeRun();
  return runs;
}

/** The digits of `run` from index `from` (inclusive) to `to` (exclusive) as a string. */
export function digitString(run: DigitRun, from = 0, to = run.digits.length): string {
  return run.digits
    .slice(from, to)
    .map((digit) => String(digit.value))
    .join('');
}
