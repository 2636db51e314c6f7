/** Timing and memory helpers for the benchmark: interleaved rounds, medians, forced GC. */

/** One measurement: ms, or bytes for memory workloads. */
export type Sampler = () => Promise<number>;

/**
 * Take `rounds` samples of every variant, interleaved (a, b, c, a, b, c, ...) so that drift on a noisy machine hits
 * all of them alike, and return the median per variant.
 */
export async function medians(variants: Record<string, Sampler>, rounds: number): Promise<Record<string, number>> {
  const samples: Record<string, number[]> = {};
  for (const name of Object.keys(variants)) samples[name] = [];
  for (let round = 0; round < rounds; round++) {
    for (const [name, sample] of Object.entries(variants)) samples[name]!.push(await sample());
  }
  const result: Record<string, number> = {};
  for (const [name, values] of Object.entries(samples)) result[name] = median(values);
  return result;
}

/** Wall time of one call, in ms. */
export async function timed(work: () => Promise<unknown>): Promise<number> {
  const start = performance.now();
  await work();
  return performance.now() - start;
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

export function collectGarbage(): void {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc === undefined) throw new Error("run the benchmark with node --expose-gc (npm run bench does)");
  gc();
  gc();
}

/**
 * Heap bytes held by whatever `hold` keeps alive while it calls its `measure` callback: the heap after a full GC
 * inside the callback minus the heap after a full GC before.
 */
export async function heldBytes(hold: (measure: () => void) => Promise<void>): Promise<number> {
  collectGarbage();
  const before = process.memoryUsage().heapUsed;
  let during = 0;
  await hold(() => {
    collectGarbage();
    during = process.memoryUsage().heapUsed;
  });
  return during - before;
}
