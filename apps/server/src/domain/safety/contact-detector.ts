/**
 * The contact guard's detector: finds phone numbers, WeChat ids, QQ numbers and e-mail
 * addresses in a message and masks them. A small pipeline: fold the text (full-width forms,
 * case, invisible characters), read the digit runs, let each rule report spans of the
 * original text. To teach it a new disguise, add a case to contact-detector.cases.ts first.
 */
import { findDigitRuns, type DigitRun } from './digit-runs.js';
import { emailRule } from './email-rule.js';
import { generatedWechatIdRule, qqRule, wechatRule } from './keyword-rules.js';
import { maskSpans } from './masking.js';
import { phoneRule } from './phone-rule.js';
import type { ContactRule, ContactScan, ContactSpan } from './contact-rule.js';
import { foldText } from './text-folding.js';

export type { ContactKind, ContactSpan } from './contact-rule.js';

const RULES: readonly ContactRule[] = [phoneRule, wechatRule, qqRule, generatedWechatIdRule, emailRule];

function scanOf(text: string): ContactScan {
  const folded = foldText(text);
  const runs = findDigitRuns(folded.text);
  const runStartingAt = new Map<number, DigitRun>(runs.map((run) => [run.digits[0]!.start, run]));
  return { folded, runs, runStartingAt };
}

/** Spans of contact details in `text` (UTF-16 offsets of `text`), sorted; spans of different rules may overlap. */
export function detectContacts(text: string): ContactSpan[] {
  const scan = scanOf(text);
  const seen = new Set<string>();
  const spans: ContactSpan[] = [];
  for (const rule of RULES) {
    for (const span of rule(scan)) {
      const key = `${span.start}:${span.end}:${span.kind}`;
      if (seen.has(key)) continue;
      seen.add(key);
      spans.push(span);
    }
  }
  return spans.sort((a, b) => a.start - b.start || a.end - b.end);
}

/** `text` with every span replaced by one `*` per code point. */
export function maskContacts(text: string, spans: readonly ContactSpan[] = detectContacts(text)): string {
  return maskSpans(text, spans);
}
