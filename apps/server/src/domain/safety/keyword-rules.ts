/**
 * Contact details announced by a keyword: a WeChat id or number after 微信 / 威信 / vx / wechat…,
 * a QQ number after QQ / 扣扣 / 企鹅. The keyword itself stays readable; only the detail is
 * masked, so the reader sees that something was withheld. Rules run on the folded text, so
 * ＷＸ, Ｖ信 and ＱＱ are caught as well.
 */
import type { DigitRun } from './digit-runs.js';
import { contactSpan, type ContactKind, type ContactRule, type ContactScan, type ContactSpan } from './contact-rule.js';

interface KeywordFamily {
  readonly kind: ContactKind;
  /** Global regex over the folded text; named group `weak` marks a lone letter that needs a clear separator. */
  readonly keyword: RegExp;
  /** WeChat ids are letters first; QQ only has numbers. */
  readonly acceptsIds: boolean;
}

/** A Chinese keyword written with a space or a dot between its characters (微 信, 薇.信) is still the keyword. */
function spaced(word: string): string {
  return [...word].join(String.raw`[\s\p{P}]{0,2}`);
}

const WECHAT_WORDS = ['微信', '威信', '薇信', '维信', '徽信', '危信', '魏信', '微心', 'v信', '加v', '加微', '加威', '卫星', '绿泡泡', '绿色泡泡'];

const WECHAT: KeywordFamily = {
  kind: 'WECHAT',
  keyword: new RegExp(
    String.raw`(?:${WECHAT_WORDS.map(spaced).join('|')}|(?<![a-z])(?:vx|wx|wechat|weixin)(?![a-z])|(?<![a-z0-9])v\p{Extended_Pictographic}|(?<weak>(?<![a-z0-9])v(?![a-z0-9])))`,
    'gu',
  ),
  acceptsIds: true,
};

const QQ_WORDS = ['扣扣', '抠抠', '企鹅', '球球'];

const QQ: KeywordFamily = {
  kind: 'QQ',
  keyword: new RegExp(
    String.raw`(?:${QQ_WORDS.map(spaced).join('|')}|(?<![a-z])qq(?![a-z])|(?<![a-z])q号|(?<weak>(?<![a-z0-9])q(?![a-z0-9])))`,
    'gu',
  ),
  acceptsIds: false,
};

/**
 * What people put between a keyword and the detail: separators, "是", "号", "id", "加我"…
 * Bounded, so a keyword far earlier in a sentence does not reach a later number.
 */
const FILLER = /(?:[\s:=#>~|,.\/、,。!?*()[\]【】「」'"“”‘’→➡👉_-]|号码|账号|帐号|号|是|为|叫|id|is|搜索|搜|加我|加|我的|的|吧|哦|呀|啊|呢|嘛|哈|邮箱){0,8}/y;
/** A filler with one of these says outright that a detail follows. */
const CLEAR_FILLER = /[:=是号]|id/;
const WECHAT_ID = /[a-z][a-z0-9_-]{5,19}(?![a-z0-9_-])/y;
const ID_WITHOUT_LETTERS_ONLY = /[0-9_-]/;
const NUMBER_LENGTH = { min: 5, max: 11 };
/** A lone `q` or `v` is a weaker hint; ask for a longer number after it. */
const WEAK_NUMBER_MIN = 6;

/** The longest prefix of whole groups of `run` with a digit count within bounds, as a digit count. */
function wholeGroupPrefix(run: DigitRun, min: number, max: number): number | null {
  let best: number | null = null;
  for (const group of run.groups) {
    const length = group.first + group.length;
    if (length > max) break;
    if (length >= min) best = length;
  }
  return best;
}

function detailAfter(scan: ContactScan, family: KeywordFamily, keywordEnd: number, weak: boolean, latinKeyword: boolean): ContactSpan | null {
  const text = scan.folded.text;
  FILLER.lastIndex = keywordEnd;
  const filler = FILLER.exec(text)?.[0] ?? '';
  const clear = CLEAR_FILLER.test(filler);
  if (weak && filler.length === 0) return null;
  const detailStart = keywordEnd + filler.length;

  const run = scan.runStartingAt.get(detailStart);
  if (run) {
    const digits = wholeGroupPrefix(run, weak ? WEAK_NUMBER_MIN : NUMBER_LENGTH.min, NUMBER_LENGTH.max);
    if (digits === null) return null;
    return contactSpan(scan, family.kind, run.digits[0]!.start, run.digits[digits - 1]!.end);
  }
  if (!family.acceptsIds) return null;
  WECHAT_ID.lastIndex = detailStart;
  const id = WECHAT_ID.exec(text)?.[0];
  if (!id) return null;
  // "wxabc123" reads as one word, not a keyword and an id.
  if (latinKeyword && filler.length === 0) return null;
  // "微信 already 删了", "wechat is broken": a plain word after a keyword is prose unless a clear separator says otherwise.
  if (!ID_WITHOUT_LETTERS_ONLY.test(id) && !clear) return null;
  return contactSpan(scan, family.kind, detailStart, detailStart + id.length);
}

function keywordRule(family: KeywordFamily): ContactRule {
  return (scan) => {
    const spans: ContactSpan[] = [];
    for (const match of scan.folded.text.matchAll(family.keyword)) {
      const keyword = match[0];
      const weak = match.groups?.weak !== undefined;
      const latinKeyword = /[a-z]$/.test(keyword);
      const span = detailAfter(scan, family, match.index + keyword.length, weak, latinKeyword);
      if (span) spans.push(span);
    }
    return spans;
  };
}

export const wechatRule = keywordRule(WECHAT);
export const qqRule = keywordRule(QQ);

/** The id WeChat assigns by itself (`wxid_…`) needs no keyword. */
const GENERATED_WECHAT_ID = /(?<![a-z0-9_])wxid_[a-z0-9_-]{4,30}/g;

export const generatedWechatIdRule: ContactRule = (scan) =>
  [...scan.folded.text.matchAll(GENERATED_WECHAT_ID)].map((match) => contactSpan(scan, 'WECHAT', match.index, match.index + match[0].length));
