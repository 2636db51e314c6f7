/**
 * The baselines: the same workloads with bare Promises and host timers, written the way careful hand-made code
 * would write them (no library, no cancellation tree).
 */

/** n async functions that each await one resolved promise, joined with Promise.all. */
export async function spawnJoin(n: number): Promise<void> {
  const tasks = new Array<Promise<void>>(n);
  for (let i = 0; i < n; i++) tasks[i] = child();
  await Promise.all(tasks);
}

async function child(): Promise<void> {
  await Promise.resolve();
}

/** n sequential plain awaits. */
export async function awaits(n: number): Promise<void> {
  for (let i = 0; i < n; i++) await undefined;
}

/**
 * The hand-written cancellable sleeper loop: each sleeper has a host timer and a reject function kept in arrays;
 * cancelling clears every timer and rejects every sleep. Returns ms from the cancel to the last cleanup.
 */
export async function cancelSleepers(n: number): Promise<number> {
  const timers: ReturnType<typeof setTimeout>[] = [];
  const rejects: ((error: unknown) => void)[] = [];
  let cleaned = 0;
  const sleepers: Promise<void>[] = [];
  for (let i = 0; i < n; i++) {
    sleepers.push(
      (async () => {
        try {
          await new Promise<void>((resolve, reject) => {
            timers.push(setTimeout(resolve, 1e9));
            rejects.push(reject);
          });
        } catch {
          // cancelled
        } finally {
          cleaned++;
        }
      })(),
    );
  }
  const start = performance.now();
  const cancelled = new Error("cancelled");
  for (let i = 0; i < n; i++) {
    clearTimeout(timers[i]);
    rejects[i]!(cancelled);
  }
  await Promise.all(sleepers);
  const elapsed = performance.now() - start;
  if (cleaned !== n) throw new Error(`raw cancelSleepers: ${cleaned} of ${n} cleanups ran`);
  return elapsed;
}

/**
 * Hold n sleeping async functions, each awaiting a promise that a host timer resolves, while `measure` runs, then
 * stop them. The timer handles are kept in one array (8 bytes a sleeper): the least any code needs to stop them.
 */
export async function holdSleepers(n: number, measure: () => void): Promise<void> {
  const timers = new Array<ReturnType<typeof setTimeout>>(n);
  for (let i = 0; i < n; i++) void sleeper(timers, i);
  measure();
  for (let i = 0; i < n; i++) clearTimeout(timers[i]);
}

async function sleeper(timers: ReturnType<typeof setTimeout>[], i: number): Promise<void> {
  await new Promise<void>((resolve) => {
    timers[i] = setTimeout(resolve, 1e9);
  });
}

/** `count` numbers handed from an async generator to a `for await` consumer: the raw async-iterator handoff. */
export async function iteratorHandoff(count: number): Promise<void> {
  async function* produce(): AsyncGenerator<number> {
    for (let i = 0; i < count; i++) yield i;
  }
  let sum = 0;
  for await (const value of produce()) sum += value;
  if (sum !== (count * (count - 1)) / 2) throw new Error(`raw iteratorHandoff: wrong sum ${sum}`);
}

/**
 * A hand-written fair promise mutex (the shape of async-mutex): `tasks` async functions take turns `handoffs`
 * times in all, each yielding once while holding it, so every acquire after the first waits for a handoff.
 */
export async function lockHandoffs(handoffs: number, tasks: number): Promise<void> {
  let locked = false;
  const waiting: (() => void)[] = [];
  const acquire = (): Promise<void> => {
    if (!locked) {
      locked = true;
      return Promise.resolve();
    }
    return new Promise<void>((resolve) => waiting.push(resolve));
  };
  const release = (): void => {
    const next = waiting.shift();
    if (next !== undefined) next();
    else locked = false;
  };
  let count = 0;
  let inside = false;
  const worker = async (turns: number): Promise<void> => {
    for (let i = 0; i < turns; i++) {
      await acquire();
      if (inside) throw new Error("raw lockHandoffs: two tasks inside the lock");
      inside = true;
      count++;
      await undefined;
      inside = false;
      release();
    }
  };
  await Promise.all(Array.from({ length: tasks }, (_, i) => worker(share(handoffs, tasks, i))));
  if (count !== handoffs) throw new Error(`raw lockHandoffs: ${count} of ${handoffs}`);
}

/** Task `i`'s part when `total` is split over `parts` (the first ones take the remainder). */
export function share(total: number, parts: number, i: number): number {
  return Math.floor(total / parts) + (i < total % parts ? 1 : 0);
}

/** `n` sequential awaits of an already resolved promise. */
export async function resolvedAwaits(n: number): Promise<void> {
  const resolved = Promise.resolve(1);
  for (let i = 0; i < n; i++) await resolved;
}

/** Legacy timer traffic outside any loop: `n` timers set and cleared, an immediate awaited every 64. */
export async function legacyTimers(n: number): Promise<void> {
  const noop = (): void => {};
  for (let i = 0; i < n; i++) {
    clearTimeout(setTimeout(noop, 1_000));
    if ((i & 63) === 0) await new Promise((resolve) => setImmediate(resolve));
  }
}

/**
 * `producers` async functions each put `values` numbers into a hand-written bounded queue of `capacity` (an array
 * plus two lists of waiting resolvers) and then sign off; one consumer takes values until every producer has signed
 * off and the queue is empty: the worker-pool shape without a channel library.
 */
export async function boundedQueueProducers(producers: number, values: number, capacity: number): Promise<void> {
  const buffer: number[] = [];
  const waitingPut: (() => void)[] = [];
  let waitingTake: (() => void) | undefined;
  let open = producers;
  const wakeTaker = (): void => {
    const taker = waitingTake;
    waitingTake = undefined;
    taker?.();
  };
  const put = async (value: number): Promise<void> => {
    while (buffer.length >= capacity) await new Promise<void>((resolve) => waitingPut.push(resolve));
    buffer.push(value);
    wakeTaker();
  };
  const producer = async (): Promise<void> => {
    for (let i = 0; i < values; i++) await put(i);
    open--;
    wakeTaker();
  };
  let sum = 0;
  const consumer = async (): Promise<void> => {
    for (;;) {
      if (buffer.length > 0) {
        sum += buffer.shift()!;
        waitingPut.shift()?.();
      } else if (open === 0) return;
      else await new Promise<void>((resolve) => (waitingTake = resolve));
    }
  };
  await Promise.all([consumer(), ...Array.from({ length: producers }, producer)]);
  checkProducerSum("raw boundedQueueProducers", sum, producers, values);
}

/** Every producer sent 0..values-1 exactly once. */
export function checkProducerSum(name: string, sum: number, producers: number, values: number): void {
  const expected = (producers * values * (values - 1)) / 2;
  if (sum !== expected) throw new Error(`${name}: wrong sum ${sum}, expected ${expected}`);
}
