import { performance } from 'node:perf_hooks';

/** How long one call of `work` takes, in milliseconds. */
export async function timed(work: () => Promise<unknown>): Promise<number> {
  const started = performance.now();
  await work();
  return performance.now() - started;
}

/** The median and the 99th percentile of some timings. */
export function quantiles(samples: readonly number[]): { p50: number; p99: number } {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
  return { p50: at(0.5), p99: at(0.99) };
}

/** `work` called one at a time: `warmup` unmeasured calls, then the p50 and p99 of `rounds` calls. */
export async function latencies(rounds: number, warmup: number, work: () => Promise<unknown>): Promise<{ p50: number; p99: number }> {
  for (let i = 0; i < warmup; i++) await work();
  const samples: number[] = [];
  for (let i = 0; i < rounds; i++) samples.push(await timed(work));
  return quantiles(samples);
}
