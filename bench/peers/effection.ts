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
 */
import { call, createChannel, run, sleep, spawn, suspend } from "effection";
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
