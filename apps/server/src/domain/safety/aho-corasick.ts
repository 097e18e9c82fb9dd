/**
 * A plain Aho–Corasick automaton over Unicode code points: every occurrence of every pattern in
 * one pass over the text, in time linear in the text plus the matches, whatever the number of
 * patterns. The word filter runs it on every TEXT message, so it is kept lean: the text it gets
 * is already folded (case, full-width forms, padding dropped), hence no segmentation into
 * grapheme clusters on the way, which cost more than the whole rest of a send.
 */

export interface AutomatonMatch<T> {
  /** UTF-16 offsets into the searched text, `end` exclusive. */
  readonly start: number;
  readonly end: number;
  readonly data: T;
}

interface Pattern<T> {
  readonly length: number;
  readonly data: T;
}

export class AhoCorasickAutomaton<T> {
  /** Per state: code point → next state. State 0 is the root. */
  private readonly next: Map<number, number>[] = [new Map()];
  private readonly fail: number[] = [0];
  /** Patterns ending exactly at each state. */
  private readonly ends: (number[] | null)[] = [null];
  /** Per state: the nearest state along the failure links that ends a pattern, or -1. */
  private readonly outputLink: number[] = [-1];
  private readonly patterns: Pattern<T>[] = [];

  constructor(patterns: readonly { pattern: string; data: T }[]) {
    for (const { pattern, data } of patterns) {
      if (pattern.length === 0) continue;
      let state = 0;
      for (const char of pattern) {
        const code = char.codePointAt(0)!;
        let target = this.next[state]!.get(code);
        if (target === undefined) {
          target = this.next.length;
          this.next.push(new Map());
          this.fail.push(0);
          this.ends.push(null);
          this.outputLink.push(-1);
          this.next[state]!.set(code, target);
        }
        state = target;
      }
      (this.ends[state] ??= []).push(this.patterns.length);
      this.patterns.push({ length: pattern.length, data });
    }
    this.link();
  }

  /** Failure and output links, breadth first from the root. */
  private link(): void {
    const queue: number[] = [];
    for (const child of this.next[0]!.values()) queue.push(child);
    for (let head = 0; head < queue.length; head++) {
      const state = queue[head]!;
      for (const [code, child] of this.next[state]!) {
        let fallback = this.fail[state]!;
        while (fallback !== 0 && !this.next[fallback]!.has(code)) fallback = this.fail[fallback]!;
        const target = this.next[fallback]!.get(code);
        const failure = target !== undefined && target !== child ? target : 0;
        this.fail[child] = failure;
        this.outputLink[child] = this.ends[failure] ? failure : this.outputLink[failure]!;
        queue.push(child);
      }
    }
  }

  /** Every occurrence, overlapping ones included, in order of their end (then longest first). */
  search(text: string): AutomatonMatch<T>[] {
    const found: AutomatonMatch<T>[] = [];
    let state = 0;
    for (let i = 0; i < text.length; ) {
      const code = text.codePointAt(i)!;
      i += code > 0xffff ? 2 : 1;
      let target = this.next[state]!.get(code);
      while (target === undefined && state !== 0) {
        state = this.fail[state]!;
        target = this.next[state]!.get(code);
      }
      state = target ?? 0;
      for (let output = this.ends[state] ? state : this.outputLink[state]!; output !== -1; output = this.outputLink[output]!) {
        for (const index of this.ends[output]!) {
          const pattern = this.patterns[index]!;
          found.push({ start: i - pattern.length, end: i, data: pattern.data });
        }
      }
    }
    return found;
  }
}
