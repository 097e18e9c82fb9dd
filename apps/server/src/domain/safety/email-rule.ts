/**
 * E-mail addresses, also with the usual disguises of `@` and `.`: (at), [at], 艾特, " at ",
 * (dot), 点, " dot ". A disguised address must end in a common top-level domain, which keeps
 * sentences like "see you at home" from being read as an address.
 */
import { contactSpan, type ContactRule } from './contact-rule.js';

const AT = String.raw`(?:@|\s*(?:\(at\)|\[at\]|\{at\}|<at>|【at】|艾特|圈a)\s*|\s+at\s+)`;
const DOT = String.raw`(?:\.|\s*(?:\(dot\)|\[dot\]|\{dot\}|【dot】|点)\s*|\s+dot\s+)`;
const EMAIL = new RegExp(
  String.raw`(?<![a-z0-9._%+-])[a-z0-9][a-z0-9._%+-]{0,63}${AT}[a-z0-9][a-z0-9-]{0,62}(?:${DOT}[a-z0-9-]{1,63})*?${DOT}(?<tld>[a-z]{2,24})(?![a-z0-9-]|@|\.[a-z0-9])`,
  'g',
);
const PLAIN_FORM = /^[a-z0-9._%+-]+@[a-z0-9.-]+$/;
const COMMON_TLDS = new Set(['com', 'cn', 'net', 'org', 'edu', 'gov', 'io', 'me', 'co', 'info', 'top', 'xyz', 'hk', 'tw', 'mo', 'sg', 'uk', 'jp', 'kr', 'us', 'de', 'fr', 'ru', 'cc', 'vip', 'email']);

export const emailRule: ContactRule = (scan) => {
  const spans = [];
  for (const match of scan.folded.text.matchAll(EMAIL)) {
    const address = match[0];
    if (!PLAIN_FORM.test(address) && !COMMON_TLDS.has(match.groups!.tld!)) continue;
    spans.push(contactSpan(scan, 'EMAIL', match.index, match.index + address.length));
  }
  return spans;
};
