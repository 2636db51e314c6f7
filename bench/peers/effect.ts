/**
 * Peer benchmark workloads written idiomatically in Effect 4 (`effect@4.1`).
 *
 * Every workload is one `Effect.gen` program run with `Effect.runPromise`,
 * Effect's recommended way to run a program from Promise-based code, on the
 * default runtime (no custom scheduler, tracing left at its defaults).
 *
 * APIs used, and why they are the fair equivalent of the corral workload:
 *
 * - spawnJoin: `Effect.forkChild` n times from one parent fiber, then
 *   `Fiber.joinAll`. forkChild is Effect 4's name for a supervised child
 *   fork (Effect 3 called it `Effect.fork`). The child is attached to the
 *   forking fiber, so this is the literal "spawn n children in one scope, then
 *   join them". Each child is `Effect.promise(() => Promise.resolve())`, which
 *   is how Effect lifts a Promise that cannot reject. We also measured the
 *   higher-level `Effect.forEach(items, f, { concurrency: "unbounded" })`,
 *   which forks one fiber per element too. On effect@4.1.0 it was about 1.5x
 *   slower, so we use the faster idiom. `Effect.awaitAllChildren` is faster
 *   still, but it only *awaits* the children: it does not join them or
 *   propagate their failures, so it is not used here.
 *
 * - cancelSleepers: the group is one fiber forked with `Effect.forkChild`,
 *   which itself forks the `n` sleepers with `Effect.forkChild` and then
 *   waits on `Effect.never`. In Effect 4 a child fiber is supervised by its
 *   parent: when the parent exits, it interrupts its children and waits for
 *   them. So `Fiber.interrupt(group)` is the structured "cancel the whole
 *   nursery" operation, and it resumes only after every child's finalizers
 *   have run. Each sleeper is `Effect.sleep(1e9)` wrapped in
 *   `Effect.ensuring(...)` (runs on interruption, like `finally`).
 *   `Effect.sleep` arms a `setTimeout` through the default Clock and clears it
 *   when interrupted, so no timer is left armed.
 *
 * - channelThroughput: `Queue.bounded(capacity)` (backpressure strategy
 *   "suspend") with one producer fiber that calls `Queue.offer` for each
 *   number and then `Queue.end`, and one consumer fiber that calls
 *   `Queue.take` for each item until it fails with `Cause.Done`.
 *   Capacity 0: Effect 4's `Queue` handles a capacity of 0 or less as a real
 *   rendezvous. `offer` succeeds only when a taker is already waiting,
 *   otherwise it suspends until a `take` claims the pending message, so
 *   `Queue.bounded(0)` is used as is (no fallback to capacity 1).
 *   We deliberately use per-item `offer`/`take` rather than the batching
 *   `offerAll`/`takeAll`, because the corral workload moves one item per
 *   send/receive.
 *
 * - lockHandoffs: the lock is `Semaphore.make(1)` from the `effect/Semaphore`
 *   module. Effect 4 moved semaphores out of `Effect` (Effect 3's
 *   `Effect.makeSemaphore` no longer exists) and has no separate mutex type:
 *   its docs present a one-permit semaphore used through `withPermits(1)` as
 *   the way to force mutual exclusion. `withPermits(1)` acquires the permit,
 *   runs the critical section and releases the permit when it exits (also on
 *   failure or interruption), so it is the structured equivalent of
 *   lock/try/finally-unlock. (`withPermit` is the same wrapper, defined as
 *   `withPermits(1)`.) The manual `take`/`release` pair is documented as the
 *   lower-level protocol and the docs say to prefer `withPermits`, so it is
 *   not used. The semaphore is fair for this workload: a releasing fiber
 *   cannot re-take the permit while an earlier waiter fits, so each release
 *   hands the lock to the longest waiter. The `tasks` workers are forked with
 *   `Effect.forkChild` from one parent and joined with `Fiber.joinAll`, as in
 *   spawnJoin. Inside the lock each worker does `yield* Effect.yieldNow`,
 *   Effect's primitive for giving the other fibers a turn: the fiber is put
 *   back on the default scheduler's queue (drained on a `setImmediate` turn)
 *   behind every fiber that is already runnable, so every other worker gets
 *   to queue up on the lock and each acquire after the first waits for a
 *   handoff.
 */
import * as Effect from "effect/Effect";
import * as Fiber from "effect/Fiber";
import * as Queue from "effect/Queue";
import * as Semaphore from "effect/Semaphore";
import type * as Cause from "effect/Cause";

const SLEEP_FOREVER_MS = 1e9;

/** Spawn `n` children under one parent, each awaits an already-resolved promise, join all. */
export async function spawnJoin(n: number): Promise<void> {
  const child = Effect.promise(() => Promise.resolve());
  await Effect.runPromise(
    Effect.gen(function* () {
      const fibers: Fiber.Fiber<void>[] = [];
      for (let i = 0; i < n; i++) {
        fibers.push(yield* Effect.forkChild(child));
      }
      yield* Fiber.joinAll(fibers);
    }),
  );
}

/**
 * Start `n` sleepers in one group, wait until all are asleep, interrupt the
 * group and time how long it takes until every finalizer has run.
 */
export async function cancelSleepers(n: number): Promise<number> {
  let started = 0;
  let cleaned = 0;

  const sleeper = Effect.gen(function* () {
    started++;
    yield* Effect.sleep(SLEEP_FOREVER_MS);
  }).pipe(
    Effect.ensuring(
      Effect.sync(() => {
        cleaned++;
      }),
    ),
  );

  const program = Effect.gen(function* () {
    const group = yield* Effect.forkChild(
      Effect.gen(function* () {
        for (let i = 0; i < n; i++) {
          yield* Effect.forkChild(sleeper);
        }
        return yield* Effect.never;
      }),
    );

    // Wait until every child has entered its sleep. A forked fiber runs
    // `started++` and arms its sleep timer in one scheduler step, so once the
    // counter reaches n, every timer is armed. The extra yields are a margin.
    while (started < n) {
      yield* Effect.yieldNow;
    }
    for (let i = 0; i < 3; i++) {
      yield* Effect.yieldNow;
    }

    const t0 = performance.now();
    // Interrupting the group fiber interrupts its supervised children and
    // resumes only once they (and their finalizers) have all finished.
    yield* Fiber.interrupt(group);
    const elapsed = performance.now() - t0;
    return elapsed;
  });

  const elapsed = await Effect.runPromise(program);
  if (cleaned !== n) {
    throw new Error(`effect cancelSleepers: expected ${n} cleanups, saw ${cleaned}`);
  }
  return elapsed;
}

/**
 * Push `count` numbers (0..count-1) from one producer fiber to one consumer
 * fiber through `Queue.bounded(capacity)`. Capacity 0 is a true rendezvous in
 * Effect 4 (see header).
 */
export async function channelThroughput(count: number, capacity: number): Promise<void> {
  const program = Effect.gen(function* () {
    const queue = yield* Queue.bounded<number, Cause.Done>(capacity);

    const producer = Effect.gen(function* () {
      for (let i = 0; i < count; i++) {
        yield* Queue.offer(queue, i);
      }
      yield* Queue.end(queue);
    });

    const consumer = Effect.gen(function* () {
      let sum = 0;
      let received = 0;
      const drain = Effect.gen(function* () {
        for (;;) {
          sum += yield* Queue.take(queue);
          received++;
        }
      });
      // `take` fails with `Cause.Done` once the queue has been ended and emptied.
      yield* drain.pipe(Effect.catchTag("Done", () => Effect.void));
      return { sum, received };
    });

    const consumerFiber = yield* Effect.forkChild(consumer);
    const producerFiber = yield* Effect.forkChild(producer);
    yield* Fiber.join(producerFiber);
    return yield* Fiber.join(consumerFiber);
  });

  const { sum, received } = await Effect.runPromise(program);
  const expected = (count * (count - 1)) / 2;
  if (received !== count || sum !== expected) {
    throw new Error(
      `effect channelThroughput: expected ${count} items summing to ${expected}, got ${received} summing to ${sum}`,
    );
  }
}

/**
 * Contended lock handoffs: `tasks` child fibers share one lock
 * (`Semaphore.make(1)` + `withPermits(1)`, see header). Each worker loops:
 * acquire, increment the shared counter, `Effect.yieldNow` while holding the
 * lock, release. `handoffs` acquisitions are made in total, split evenly
 * across the workers. Throws if the counter is wrong or if two workers were
 * ever inside the lock at once.
 */
export async function lockHandoffs(handoffs: number, tasks: number): Promise<void> {
  if (!Number.isInteger(tasks) || tasks < 1) {
    throw new RangeError(`effect lockHandoffs: tasks must be a positive integer, got ${tasks}`);
  }
  let counter = 0;
  let inside = false;
  // `inside` is exact up to the first overlap, so it always catches the first one,
  // which is all we need to fail the run.
  let overlapped = false;

  const program = Effect.gen(function* () {
    const mutex = yield* Semaphore.make(1);

    // Built once and shared by every worker: the critical section, wrapped in
    // the lock.
    const criticalSection = mutex.withPermits(1)(
      Effect.gen(function* () {
        if (inside) {
          overlapped = true;
        }
        inside = true;
        counter++;
        // Hold the lock across a yield, so the other workers run and queue up on it.
        yield* Effect.yieldNow;
        inside = false;
      }),
    );

    const worker = (iterations: number) =>
      Effect.gen(function* () {
        for (let i = 0; i < iterations; i++) {
          yield* criticalSection;
        }
      });

    const base = Math.floor(handoffs / tasks);
    const extra = handoffs % tasks;
    const fibers: Fiber.Fiber<void>[] = [];
    for (let t = 0; t < tasks; t++) {
      fibers.push(yield* Effect.forkChild(worker(base + (t < extra ? 1 : 0))));
    }
    yield* Fiber.joinAll(fibers);
  });

  await Effect.runPromise(program);
  if (overlapped) {
    throw new Error("effect lockHandoffs: two fibers were inside the lock at once");
  }
  if (counter !== handoffs) {
    throw new Error(`effect lockHandoffs: expected counter ${handoffs}, got ${counter}`);
  }
}
