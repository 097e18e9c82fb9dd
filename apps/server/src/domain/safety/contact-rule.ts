/** What every contact rule reads and returns: one folded text, its digit runs, spans of the original. */
import type { DigitRun } from './digit-runs.js';
import type { TextSpan } from './masking.js';
import type { FoldedText } from './text-folding.js';

export type ContactKind = 'PHONE' | 'WECHAT' | 'QQ' | 'EMAIL';

export interface ContactSpan extends TextSpan {
  readonly kind: ContactKind;
}

export interface ContactScan {
  readonly folded: FoldedText;
  readonly runs: readonly DigitRun[];
  /** The run whose first digit starts at this folded offset. */
  readonly runStartingAt: ReadonlyMap<number, DigitRun>;
}

export type ContactRule = (scan: ContactScan) => ContactSpan[];

/** The span of the original text behind folded code units `[start, end)`. */
export function contactSpan(scan: ContactScan, kind: ContactKind, start: number, end: number): ContactSpan {
  return { start: scan.folded.starts[start]!, end: scan.folded.ends[end - 1]!, kind };
}
