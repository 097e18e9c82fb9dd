/**
 * Mainland mobile numbers: 11 digits starting 13–19, optionally after +86 / 0086 / 86. The
 * number must fill whole groups of its run (see digit-runs), so an 11-digit stretch inside an
 * 18-digit order id or ID card number is not a phone number, while `138 0013 8000`,
 * `１３８－００１３－８０００` or `幺三八零零幺三八零零零` are.
 */
import { digitString, type DigitRun } from './digit-runs.js';
import { contactSpan, type ContactRule, type ContactSpan } from './contact-rule.js';

const MOBILE = /^1[3-9]\d{9}$/;
const MOBILE_LENGTH = 11;
const COUNTRY_PREFIXES = ['86', '0086'];

/** `13,800,138,000` is an amount written with thousands separators, not a phone number. */
function isGroupedAmount(run: DigitRun, firstGroup: number, lastGroup: number): boolean {
  if (firstGroup === lastGroup) return false;
  for (let index = firstGroup + 1; index <= lastGroup; index++) {
    const group = run.groups[index]!;
    if (group.separatorBefore !== ',' || group.length !== 3) return false;
  }
  return run.groups[firstGroup]!.length <= 3;
}

function phonesInRun(run: DigitRun): Array<{ from: number; to: number }> {
  const found: Array<{ from: number; to: number }> = [];
  // Looked up once per group start, so a run of thousands of one-digit groups stays linear.
  const groupEndingAt = new Map(run.groups.map((group, index) => [group.first + group.length, index]));
  run.groups.forEach((group, groupIndex) => {
    const starts: Array<{ numberStart: number; spanStart: number }> = [{ numberStart: group.first, spanStart: group.first }];
    for (const prefix of COUNTRY_PREFIXES) {
      if (group.length > prefix.length && digitString(run, group.first, group.first + prefix.length) === prefix) {
        starts.push({ numberStart: group.first + prefix.length, spanStart: group.first });
      }
    }
    for (const { numberStart, spanStart } of starts) {
      const end = numberStart + MOBILE_LENGTH;
      const lastGroup = groupEndingAt.get(end);
      if (lastGroup === undefined || !MOBILE.test(digitString(run, numberStart, end))) continue;
      if (isGroupedAmount(run, groupIndex, lastGroup)) continue;
      const previous = run.groups[groupIndex - 1];
      const prefixedBefore =
        numberStart === group.first && previous && COUNTRY_PREFIXES.includes(digitString(run, previous.first, previous.first + previous.length));
      found.push({ from: prefixedBefore ? previous.first : spanStart, to: end });
    }
  });
  return found;
}

export const phoneRule: ContactRule = (scan) => {
  const spans: ContactSpan[] = [];
  for (const run of scan.runs) {
    for (const { from, to } of phonesInRun(run)) {
      let start = run.digits[from]!.start;
      if (scan.folded.text[start - 1] === '+') start -= 1;
      spans.push(contactSpan(scan, 'PHONE', start, run.digits[to - 1]!.end));
    }
  }
  return spans;
};
