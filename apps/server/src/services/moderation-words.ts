import { WordMatcher, type WordLists } from '../domain/safety/word-matcher.js';
import type { SafetyStore } from '../ports/safety-store.js';

/**
 * The moderation word lists of this node, compiled once per change. The lists live in the
 * database; each node polls their version number (one indexed one-row read) and recompiles
 * when it moved, so a change made on any node is in effect everywhere within one poll interval,
 * with or without Redis. The node that made the change uses it at once.
 */
export class ModerationWords {
  private matcher: WordMatcher = WordMatcher.empty;
  private version = -1;
  private timer: NodeJS.Timeout | null = null;
  private refreshing: Promise<void> | null = null;

  constructor(
    private readonly store: SafetyStore,
    private readonly onError: (error: unknown) => void,
  ) {}

  /** The matcher sends are checked with. */
  current(): WordMatcher {
    return this.matcher;
  }

  async lists(): Promise<WordLists> {
    const stored = await this.store.wordLists();
    return { block: stored.block, mask: stored.mask };
  }

  /** Validates (VALIDATION_FAILED), stores and applies both lists. */
  async replace(lists: WordLists): Promise<WordLists> {
    const cleaned = { block: unique(lists.block), mask: unique(lists.mask) };
    const matcher = WordMatcher.compile(cleaned);
    const version = await this.store.replaceWordLists(cleaned);
    if (version > this.version) {
      this.matcher = matcher;
      this.version = version;
    }
    return cleaned;
  }

  /** Loads the lists now and then polls for changes every `intervalMs`. */
  async start(intervalMs: number): Promise<void> {
    await this.refresh();
    this.timer = setInterval(() => void this.refresh().catch(this.onError), intervalMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  /** Reloads the lists when their version moved; concurrent calls share one reload. */
  refresh(): Promise<void> {
    this.refreshing ??= this.reload().finally(() => (this.refreshing = null));
    return this.refreshing;
  }

  private async reload(): Promise<void> {
    const version = await this.store.wordListsVersion();
    if (version === this.version) return;
    const stored = await this.store.wordLists();
    this.matcher = WordMatcher.compile(stored);
    this.version = stored.version;
  }
}

function unique(words: readonly string[]): string[] {
  return [...new Set(words)];
}
