/**
 * Peer benchmark workloads written idiomatically in Effection 4 (`effection@4.1`).
 *
 * Every workload is one generator operation started with `run(...)`, which
 * Effection recommends when you embed it in existing Promise-based code.
 * (`main` is for whole programs: it installs signal handlers and exits the
 * process, which a benchmark harness must not do.) The returned Task is awaited.
 *
 * APIs used, and why they are the fair equivalent of the corral workload:
 *
 * - spawnJoin: `spawn` n children in the operation's scope, then `yield*` each
 *   Task to join it. This is exactly how Effection's own `all()` works, without
 *   the extra wrapper. Each child does `yield* call(() => Promise.resolve())`,
 *   the standard way to await a Promise inside an operation.
 *
 * - cancelSleepers: the group is one spawned Task whose body spawns the n
 *   sleepers and then `suspend()`s. Each sleeper is `try { yield* sleep(1e9) }
 *   finally { cleanup }`. `group.halt()` is Effection's structured
 *   cancellation. It tears down the group's scope, halting every child and
 *   running its `finally` blocks, and it resolves only when that shutdown is
 *   complete. `sleep` clears its `setTimeout` when halted, so no timer is
 *   left armed.
 *
 * - channelThroughput: Effection 4 has no bounded or rendezvous channel.
 *   The closest primitive for operation-to-operation messaging is
 *   `createChannel()`. Its `send` is an operation, but it never blocks. It
 *   pushes the message into every current subscriber's unbounded FIFO queue
 *   (messages sent while nobody is subscribed are dropped). So `capacity` is
 *   IGNORED here, and the producer is never back-pressured: it is effectively
 *   an unbounded buffered channel for any `capacity`, including 0. In this
 *   workload the consumer is usually already parked in `next()`, so each
 *   `send` hands the item straight to it. On effection@4.1.1 we measured the
 *   producer never getting ahead of the consumer (max lag 0 over 1e6 items),
 *   so the buffer never grows. The consumer subscribes (`yield* channel`)
 *   before the producer starts, so nothing is dropped. It then pulls with `subscription.next()` until the channel is
 *   closed (`channel.close()`). `for (const x of yield* each(channel))` is the
 *   sugar for the same loop. It adds a context lookup per item, so we use the
 *   plain subscription loop, which Effection documents too.
 *
 * - lockHandoffs: Effection 4 has NO lock, mutex or semaphore primitive, so
 *   the lock is built from its own primitives as a token queue: one
 *   `createQueue<void, never>()` that starts with a single token in it.
 *   Acquire is `yield* lock.next()` (take the token, or suspend until one is
 *   added) and release is `lock.add()` (put the token back), in a
 *   `try`/`finally` so the lock is released however the critical section
 *   exits, like Effect's `withPermits`. A `Queue` is the right primitive
 *   for this because each item goes to exactly ONE waiting `next()` call,
 *   the oldest waiter first (FIFO), so a release hands the lock straight to
 *   the longest waiter. A `Channel` or `Signal` would not work as a token:
 *   they broadcast every message to every subscriber. An uncontended acquire
 *   takes the token synchronously without suspending. The `tasks` workers
 *   are spawned in one scope and joined by `yield*`-ing each Task, as in
 *   spawnJoin. Effection also has no `yieldNow`. The yield inside the lock is
 *   `yield* until(Promise.resolve())`, which suspends the worker until the
 *   next microtask. Effection's reducer runs every other task that is ready
 *   before any promise callback fires, so this gives every other worker a
 *   turn (they all queue up on the lock, and each acquire after the first
 *   waits for a handoff), the same effect as Effect's `yieldNow`. We did not
 *   use `sleep(0)`, the only other way to yield with Effection's own API: it
 *   is a `setTimeout`, which Node clamps to at least 1ms, so the benchmark
 *   would measure the timer clamp (about 1ms per handoff) and not the lock.
 */
import { call, createChannel, createQueue, run, sleep, spawn, suspend, until } from "effection";
import type { Operation, Task } from "effection";

const SLEEP_FOREVER_MS = 1e9;

/** Spawn `n` children under one parent, each awaits an already-resolved promise, join all. */
export async function spawnJoin(n: number): Promise<void> {
  await run(function* (): Operation<void> {
    const tasks: Task<void>[] = [];
    for (let i = 0; i < n; i++) {
      tasks.push(
        yield* spawn(function* (): Operation<void> {
          yield* call(() => Promise.resolve());
        }),
      );
    }
    for (const task of tasks) {
      yield* task;
    }
  });
}

/**
 * Start `n` sleepers in one group, wait until all are asleep, halt the group
 * and time how long it takes until every `finally` has run.
 */
export async function cancelSleepers(n: number): Promise<number> {
  let started = 0;
  let cleaned = 0;

  function* sleeper(): Operation<void> {
    started++;
    try {
      yield* sleep(SLEEP_FOREVER_MS);
    } finally {
      cleaned++;
    }
  }

  const elapsed = await run(function* (): Operation<number> {
    const group = yield* spawn(function* (): Operation<void> {
      for (let i = 0; i < n; i++) {
        yield* spawn(sleeper);
      }
      yield* suspend();
    });

    // Wait until every child has entered its sleep. A spawned child runs
    // `started++` and arms its timer synchronously in one step, so once the
    // counter reaches n, every timer is armed. The extra macrotask turn
    // (`sleep(0)`) is a margin.
    while (started < n) {
      yield* sleep(0);
    }
    yield* sleep(0);

    const t0 = performance.now();
    // halt() resolves once the group and all of its children have shut down.
    yield* group.halt();
    return performance.now() - t0;
  });

  if (cleaned !== n) {
    throw new Error(`effection cancelSleepers: expected ${n} cleanups, saw ${cleaned}`);
  }
  return elapsed;
}

/**
 * Push `count` numbers (0..count-1) from one producer task to one consumer task
 * through an Effection `Channel`. `capacity` is ignored: Effection channels
 * are unbounded and never back-pressure the sender (see header).
 */
export async function channelThroughput(count: number, _capacity: number): Promise<void> {
  const { sum, received } = await run(function* (): Operation<{ sum: number; received: number }> {
    const channel = createChannel<number, void>();
    // Subscribe in the parent before either task starts, so no message is
    // dropped. The subscription lives as long as this scope.
    const subscription = yield* channel;

    const consumer = yield* spawn(function* (): Operation<{ sum: number; received: number }> {
      let sum = 0;
      let received = 0;
      let next = yield* subscription.next();
      while (!next.done) {
        sum += next.value;
        received++;
        next = yield* subscription.next();
      }
      return { sum, received };
    });

    const producer = yield* spawn(function* (): Operation<void> {
      for (let i = 0; i < count; i++) {
        yield* channel.send(i);
      }
      yield* channel.close();
    });

    yield* producer;
    return yield* consumer;
  });

  const expected = (count * (count - 1)) / 2;
  if (received !== count || sum !== expected) {
    throw new Error(
      `effection channelThroughput: expected ${count} items summing to ${expected}, got ${received} summing to ${sum}`,
    );
  }
}

/**
 * Contended lock handoffs: `tasks` spawned tasks share one lock, a
 * one-token `Queue`, because Effection has no lock primitive (see header).
 * Each worker loops: acquire, increment the shared counter, yield once
 * (`until(Promise.resolve())`) while holding the lock, release. `handoffs`
 * acquisitions are made in total, split evenly across the workers. Throws if
 * the counter is wrong or if two workers were ever inside the lock at once.
 */
export async function lockHandoffs(handoffs: number, tasks: number): Promise<void> {
  if (!Number.isInteger(tasks) || tasks < 1) {
    throw new RangeError(`effection lockHandoffs: tasks must be a positive integer, got ${tasks}`);
  }
  let counter = 0;
  let inside = false;
  // `inside` is exact up to the first overlap, so it always catches the first one,
  // which is all we need to fail the run.
  let overlapped = false;

  await run(function* (): Operation<void> {
    // The lock: a queue holding one token. Holding the token means holding the lock.
    const lock = createQueue<void, never>();
    lock.add();

    function* worker(iterations: number): Operation<void> {
      for (let i = 0; i < iterations; i++) {
        yield* lock.next(); // acquire: take the token, or wait for a release
        try {
          if (inside) {
            overlapped = true;
          }
          inside = true;
          counter++;
          // Hold the lock across a yield, so the other workers run and queue up on it.
          yield* until(Promise.resolve());
          inside = false;
        } finally {
          lock.add(); // release: hand the token to the oldest waiter
        }
      }
    }

    const base = Math.floor(handoffs / tasks);
    const extra = handoffs % tasks;
    const workers: Task<void>[] = [];
    for (let t = 0; t < tasks; t++) {
      const iterations = base + (t < extra ? 1 : 0);
      workers.push(yield* spawn(() => worker(iterations)));
    }
    for (const task of workers) {
      yield* task;
    }
  });

  if (overlapped) {
    throw new Error("effection lockHandoffs: two tasks were inside the lock at once");
  }
  if (counter !== handoffs) {
    throw new Error(`effection lockHandoffs: expected counter ${handoffs}, got ${counter}`);
  }
}
