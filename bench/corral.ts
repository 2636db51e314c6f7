/** The workloads on corral, written as a user would write them. */
import { EndOfChannel, Lock, checkpoint, fromPromise, openChannel, run, sleep, withNursery, type Cx } from "corral";
import { installLoopHooks } from "corral/node";
import { checkProducerSum, legacyTimers, share } from "./raw.ts";

export async function spawnJoin(n: number): Promise<void> {
  await run((cx) =>
    withNursery(cx, (nursery) => {
      for (let i = 0; i < n; i++) nursery.start(child);
    }),
  );
}

async function child(_cx: Cx): Promise<void> {
  await Promise.resolve();
}

export async function checkpoints(n: number): Promise<void> {
  await run(async (cx) => {
    for (let i = 0; i < n; i++) await checkpoint(cx);
  });
}

/** n tasks asleep in one nursery; cancel the nursery; ms until every task's finally ran and the nursery exited. */
export async function cancelSleepers(n: number): Promise<number> {
  let cleaned = 0;
  let start = 0;
  const elapsed = await run(async (cx) => {
    await withNursery(cx, (nursery) => {
      for (let i = 0; i < n; i++) {
        nursery.start(async (cx) => {
          try {
            await sleep(cx, 1e9);
          } finally {
            cleaned++;
          }
        });
      }
      start = performance.now();
      nursery.cancelScope.cancel();
    });
    return performance.now() - start;
  });
  if (cleaned !== n) throw new Error(`corral cancelSleepers: ${cleaned} of ${n} cleanups ran`);
  return elapsed;
}

/** Hold n sleeping tasks while `measure` runs, then cancel them all. */
export async function holdSleepers(n: number, measure: () => void): Promise<void> {
  await run((cx) =>
    withNursery(cx, async (nursery) => {
      for (let i = 0; i < n; i++) nursery.start((cx) => sleep(cx, 1e9));
      measure();
      nursery.cancelScope.cancel();
    }),
  );
}

/** `count` numbers through a channel of `capacity`, one producer task and one consumer task. */
export async function channelThroughput(count: number, capacity: number): Promise<void> {
  let sum = 0;
  await run((cx) =>
    withNursery(cx, (nursery) => {
      const [send, receive] = openChannel<number>(capacity);
      nursery.start(async (cx) => {
        for (let i = 0; i < count; i++) await send.send(cx, i);
        send.close();
      });
      nursery.start(async (cx) => {
        for (;;) {
          try {
            sum += await receive.receive(cx);
          } catch (error) {
            if (error instanceof EndOfChannel) return;
            throw error;
          }
        }
      });
    }),
  );
  if (sum !== (count * (count - 1)) / 2) throw new Error(`corral channelThroughput: wrong sum ${sum}`);
}

/** `tasks` tasks share a Lock, `handoffs` acquisitions in all, each yielding once (a checkpoint) while holding it. */
export async function lockHandoffs(handoffs: number, tasks: number): Promise<void> {
  const lock = new Lock();
  let count = 0;
  let inside = false;
  await run((cx) =>
    withNursery(cx, (nursery) => {
      for (let t = 0; t < tasks; t++) {
        nursery.start(async (cx) => {
          for (let i = share(handoffs, tasks, t); i > 0; i--) {
            await lock.acquire(cx);
            if (inside) throw new Error("corral lockHandoffs: two tasks inside the lock");
            inside = true;
            count++;
            await checkpoint(cx);
            inside = false;
            lock.release(cx);
          }
        });
      }
    }),
  );
  if (count !== handoffs) throw new Error(`corral lockHandoffs: ${count} of ${handoffs}`);
}

/** `n` sequential bridged awaits of an already resolved promise. */
export async function bridgedAwaits(n: number): Promise<void> {
  const resolved = Promise.resolve(1);
  await run(async (cx) => {
    for (let i = 0; i < n; i++) await fromPromise(cx, resolved);
  });
}

/** The same legacy timer traffic with corral/node's hooks installed: timer capture, outside any loop. */
export async function capturedTimersOutsideLoop(n: number): Promise<void> {
  installLoopHooks();
  await legacyTimers(n);
}

/**
 * `producers` tasks each send `values` numbers into one channel of `capacity`, then close their end; one consumer
 * receives until the channel ends. With `clones`, each producer has its own clone of the send end (the documented
 * worker-pool shape: close each one separately); without, they share one end that the parent closes after them.
 */
export async function producersIntoChannel(
  producers: number,
  values: number,
  capacity: number,
  clones: boolean,
): Promise<void> {
  let sum = 0;
  await run((cx) =>
    withNursery(cx, (nursery) => {
      const [send, receive] = openChannel<number>(capacity);
      nursery.start(async (cx) => {
        for await (const value of receive.iterate(cx)) sum += value;
      });
      if (clones) {
        for (let p = 0; p < producers; p++) {
          const mine = send.clone();
          nursery.start(async (cx) => {
            for (let i = 0; i < values; i++) await mine.send(cx, i);
            mine.close();
          });
        }
        send.close();
        return;
      }
      nursery.start((cx) =>
        withNursery(cx, (inner) => {
          for (let p = 0; p < producers; p++) {
            inner.start(async (cx) => {
              for (let i = 0; i < values; i++) await send.send(cx, i);
            });
          }
        }).finally(() => send.close()),
      );
    }),
  );
  checkProducerSum(`corral producersIntoChannel (${clones ? "clones" : "one shared end"})`, sum, producers, values);
}
