import type { SearchHit } from '@parley/protocol';
import { LIMITS } from '@parley/protocol';
import { defineStore } from 'pinia';
import { ref } from 'vue';
import { chatClient } from '../chat-client.js';

/** Characters (code points) of a query after trimming, as the server counts them. */
function queryLength(q: string): number {
  return [...q.trim()].length;
}

/**
 * Message search over my conversations: the query, its pages of hits (newest first) and whether
 * more can be loaded. A newer query wins over an answer still in flight.
 */
export const useSearchStore = defineStore('search', () => {
  const query = ref('');
  const hits = ref<SearchHit[]>([]);
  const nextBefore = ref<string | null>(null);
  const searching = ref(false);
  /** The query whose hits are shown (null: nothing searched yet). */
  const shownQuery = ref<string | null>(null);
  let generation = 0;

  function reset(): void {
    generation++;
    query.value = '';
    hits.value = [];
    nextBefore.value = null;
    searching.value = false;
    shownQuery.value = null;
  }

  /** True when the query is long enough to send. */
  function searchable(q: string): boolean {
    const n = queryLength(q);
    return n >= LIMITS.searchQueryMinChars && n <= LIMITS.searchQueryMaxChars;
  }

  /** Runs the current query from the newest hit. */
  async function run(): Promise<void> {
    const q = query.value.trim();
    const mine = ++generation;
    if (!searchable(q)) {
      hits.value = [];
      nextBefore.value = null;
      shownQuery.value = null;
      return;
    }
    searching.value = true;
    try {
      const page = await chatClient().search(q, { limit: LIMITS.searchDefaultLimit });
      if (mine !== generation) return;
      hits.value = page.items;
      nextBefore.value = page.nextBefore;
      shownQuery.value = q;
    } finally {
      if (mine === generation) searching.value = false;
    }
  }

  /** Loads the next (older) page of hits. */
  async function more(): Promise<void> {
    const q = shownQuery.value;
    if (!q || !nextBefore.value) return;
    const mine = generation;
    const page = await chatClient().search(q, { limit: LIMITS.searchDefaultLimit, before: nextBefore.value });
    if (mine !== generation) return;
    hits.value = [...hits.value, ...page.items];
    nextBefore.value = page.nextBefore;
  }

  return { query, hits, nextBefore, searching, shownQuery, reset, searchable, run, more };
});
