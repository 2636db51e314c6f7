/** Timing and memory helpers for the benchmark: interleaved rounds, medians, forced GC. */

export type Variant = () => Promise<number | void>;

/**
 * Run every variant `rounds` times, interleaved (a, b, c, a, b, c, ...) so that drift in a noisy machine hits all of
 * them alike, after one warm-up round. A variant may return its own measured ms; otherwise its wall time counts.
 * Returns the median ms per variant.
 */
export async function medians(variants: Record<string, Variant>, rounds: number): Promise<Record<string, number>> {
  const samples: Record<string, number[]> = {};
  for (const name of Object.keys(variants)) samples[name] = [];
  for (let round = -1; round < rounds; round++) {
    for (const [name, variant] of Object.entries(variants)) {
      collectGarbage();
      const start = performance.now();
      const reported = await variant();
      const ms = typeof reported === "number" ? reported : performance.now() - start;
      if (round >= 0) samples[name]!.push(ms);
    }
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

function median(values: number[]): number {
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
 * inside the callback minus the heap after a full GC before. Median over `rounds`.
 */
export async function heldBytes(
  hold: (measure: () => void) => Promise<void>,
  rounds: number,
): Promise<number> {
  const values: number[] = [];
  for (let round = -1; round < rounds; round++) {
    collectGarbage();
    const before = process.memoryUsage().heapUsed;
    let during = 0;
    await hold(() => {
      collectGarbage();
      during = process.memoryUsage().heapUsed;
    });
    if (round >= 0) values.push(during - before);
  }
  return median(values);
}
