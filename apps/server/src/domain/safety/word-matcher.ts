/**
 * The moderation word lists compiled into one Aho–Corasick automaton (aho-corasick.ts), so a
 * message is scanned once whatever the number of words (time linear in the text plus the
 * matches found). Text and
 * words are folded the same way — case, full-width forms — and spaces and punctuation are
 * dropped from both, so `微 信`, `Ｓ.Ｐ.Ａ.Ｍ` and `s p a m` all match the word `spam`/`微信`.
 * Matches are reported as ranges of the original text, covering what was inserted inside them.
 */
import { AhoCorasickAutomaton } from './aho-corasick.js';
import { AppError } from '../app-error.js';
import { maskSpans, type TextSpan } from './masking.js';
import { foldText, type FoldedText } from './text-folding.js';

export type WordListName = 'block' | 'mask';

export interface WordLists {
  readonly block: readonly string[];
  readonly mask: readonly string[];
}

export interface WordMatch extends TextSpan {
  readonly list: WordListName;
  /** The word of the list as the administrator wrote it. */
  readonly word: string;
}

export const WORD_LIST_LIMITS = { maxWords: 10_000, minWordChars: 1, maxWordChars: 64 } as const;

/** Spaces, punctuation and invisible format characters, the usual padding inserted to split a word. */
function isPadding(char: string): boolean {
  return /^[\s\p{P}\p{Cf}]$/u.test(char);
}

function foldForMatching(text: string): FoldedText {
  return foldText(text, { skip: isPadding });
}

function checkLimits(lists: WordLists): void {
  const total = lists.block.length + lists.mask.length;
  if (total > WORD_LIST_LIMITS.maxWords) {
    throw new AppError('VALIDATION_FAILED', `words: at most ${WORD_LIST_LIMITS.maxWords} words in both lists together, got ${total}`);
  }
  for (const word of [...lists.block, ...lists.mask]) {
    const chars = [...word].length;
    if (chars < WORD_LIST_LIMITS.minWordChars || chars > WORD_LIST_LIMITS.maxWordChars) {
      throw new AppError('VALIDATION_FAILED', `words: each word must be ${WORD_LIST_LIMITS.minWordChars}–${WORD_LIST_LIMITS.maxWordChars} characters`);
    }
  }
}

interface Entry {
  readonly list: WordListName;
  readonly word: string;
}

export class WordMatcher {
  private constructor(private readonly automaton: AhoCorasickAutomaton<Entry> | null) {}

  static readonly empty = new WordMatcher(null);

  /**
   * Words that fold to nothing (only punctuation or spaces) cannot be matched and are left out.
   * A word on both lists is a block word: the stricter list wins.
   */
  static compile(lists: WordLists): WordMatcher {
    checkLimits(lists);
    const entries = new Map<string, Entry>();
    for (const list of ['mask', 'block'] as const) {
      for (const word of lists[list]) {
        const pattern = foldForMatching(word).text;
        if (pattern.length > 0) entries.set(pattern, { list, word });
      }
    }
    if (entries.size === 0) return WordMatcher.empty;
    return new WordMatcher(new AhoCorasickAutomaton([...entries].map(([pattern, data]) => ({ pattern, data }))));
  }

  /** Every occurrence of every word, overlapping ones included, in order of their start. */
  find(text: string): WordMatch[] {
    if (!this.automaton) return [];
    const folded = foldForMatching(text);
    return this.automaton
      .search(folded.text)
      .map((match) => ({ start: folded.starts[match.start]!, end: folded.ends[match.end - 1]!, list: match.data.list, word: match.data.word }))
      .sort((a, b) => a.start - b.start || a.end - b.end);
  }
}

/** `text` with every mask-list match replaced by stars; block-list matches are the caller's to refuse. */
export function maskWords(text: string, matches: readonly WordMatch[]): string {
  return maskSpans(
    text,
    matches.filter((match) => match.list === 'mask'),
  );
}
