import { describe, expect, test } from "vitest";
import {
  BrokenResourceError,
  Cancelled,
  Lock,
  UsageError,
  WouldBlock,
  moveOnAfter,
  sleep,
  withCancelScope,
  withNursery,
  type Cx,
} from "corral";
import { mockRun, waitAllTasksBlocked } from "corral/testing";
import { thrownInAnotherTask } from "../support/in-another-task.ts";

class Boom extends Error {}

describe("Lock basics", () => {
  test(
    "acquire takes a free lock and release frees it; statistics() reports { locked, owner, tasksWaiting }",
    mockRun(async (cx) => {
      const lock = new Lock();
      expect(lock.locked()).toBe(false);
      expect(lock.statistics()).toEqual({ locked: false, owner: null, tasksWaiting: 0 });
      await lock.acquire(cx);
      expect(lock.locked()).toBe(true);
      const stats = lock.statistics();
      expect(stats).toEqual({ locked: true, owner: cx, tasksWaiting: 0 });
      expect(stats.owner).toBe(cx);
      lock.release(cx);
      expect(lock.locked()).toBe(false);
      expect(lock.statistics()).toEqual({ locked: false, owner: null, tasksWaiting: 0 });
    }),
  );

  test(
    "excludes: critical sections of several tasks never overlap",
    mockRun(async (cx, clock) => {
      const lock = new Lock();
      let inside = 0;
      let mostInside = 0;
      await withNursery(cx, (n) => {
        for (let i = 0; i < 3; i++) {
          n.start(async (cx) => {
            await lock.acquire(cx);
            try {
              inside++;
              mostInside = Math.max(mostInside, inside);
              await sleep(cx, 10);
              inside--;
            } finally {
              lock.release(cx);
            }
          });
        }
      });
      expect(mostInside).toBe(1);
      expect(clock.now()).toBe(30);
      expect(lock.locked()).toBe(false);
    }),
  );

  test(
    "the owner reported by statistics() is the cx of the task holding it, also seen from a nested scope",
    mockRun(async (cx) => {
      const lock = new Lock();
      let childCx: Cx | undefined;
      await withNursery(cx, async (n) => {
        n.start(async (cx) => {
          childCx = cx;
          await withCancelScope(cx, async (cx) => {
            await lock.acquire(cx);
            await sleep(cx, 10);
            lock.release(cx);
          });
        });
        await sleep(cx, 5);
        expect(lock.statistics().owner).toBe(childCx);
        expect(lock.statistics().owner).not.toBe(cx);
      });
      expect(lock.statistics().owner).toBeNull();
    }),
  );
});

describe("Lock fairness", () => {
  test(
    "waiters get the lock first come, first served",
    mockRun(async (cx) => {
      const lock = new Lock();
      const order: string[] = [];
      await lock.acquire(cx);
      await withNursery(cx, async (n) => {
        for (const name of ["first", "second", "third", "fourth"]) {
          n.start(async (cx) => {
            await lock.acquire(cx);
            order.push(name);
            await sleep(cx, 1);
            lock.release(cx);
          });
          await waitAllTasksBlocked(cx);
        }
        expect(lock.statistics().tasksWaiting).toBe(4);
        lock.release(cx);
      });
      expect(order).toEqual(["first", "second", "third", "fourth"]);
      expect(lock.locked()).toBe(false);
    }),
  );

  test(
    "release hands the lock straight to the longest waiter: the releaser cannot take it back at once",
    mockRun(async (cx) => {
      const lock = new Lock();
      const order: string[] = [];
      let waiterCx: Cx | undefined;
      await lock.acquire(cx);
      await withNursery(cx, async (n) => {
        n.start(async (cx) => {
          waiterCx = cx;
          await lock.acquire(cx);
          order.push("waiter");
          lock.release(cx);
        });
        await waitAllTasksBlocked(cx);
        lock.release(cx);
        // Handed over synchronously, before the waiter has even resumed.
        expect(lock.statistics()).toEqual({ locked: true, owner: waiterCx, tasksWaiting: 0 });
        expect(order).toEqual([]);
        expect(() => lock.acquireNowait(cx)).toThrow(WouldBlock);
        await lock.acquire(cx);
        order.push("releaser again");
        lock.release(cx);
      });
      expect(order).toEqual(["waiter", "releaser again"]);
    }),
  );

  test(
    "a waiter cancelled from the middle of the queue keeps the others in order",
    mockRun(async (cx) => {
      const lock = new Lock();
      const order: string[] = [];
      await lock.acquire(cx);
      await withNursery(cx, async (n) => {
        n.start(async (cx) => {
          await lock.acquire(cx);
          order.push("a");
          lock.release(cx);
        });
        await waitAllTasksBlocked(cx);
        n.start(async (cx) => {
          const got = await moveOnAfter(cx, 5, async (cx) => {
            await lock.acquire(cx);
            lock.release(cx);
            return true;
          });
          order.push(`b gave up: ${String(got === undefined)}`);
        });
        await waitAllTasksBlocked(cx);
        n.start(async (cx) => {
          await lock.acquire(cx);
          order.push("c");
          lock.release(cx);
        });
        await sleep(cx, 10);
        expect(lock.statistics().tasksWaiting).toBe(2);
        lock.release(cx);
      });
      expect(order).toEqual(["b gave up: true", "a", "c"]);
    }),
  );
});

describe("Lock ownership and misuse", () => {
  test(
    "is not re-entrant: acquiring again while holding it is a UsageError, and the lock stays held once",
    mockRun(async (cx) => {
      const lock = new Lock();
      await lock.acquire(cx);
      const again = lock.acquire(cx);
      await expect(again).rejects.toThrow(UsageError);
      await expect(lock.acquire(cx)).rejects.toThrow(
        "lock.acquire: this task already holds the lock; a Lock is not re-entrant",
      );
      expect(() => lock.acquireNowait(cx)).toThrow(
        "lock.acquireNowait: this task already holds the lock; a Lock is not re-entrant",
      );
      expect(lock.statistics()).toEqual({ locked: true, owner: cx, tasksWaiting: 0 });
      lock.release(cx);
      expect(lock.locked()).toBe(false);
    }),
  );

  test(
    "release without holding it is a UsageError that says so",
    mockRun(async (cx) => {
      const lock = new Lock();
      expect(() => lock.release(cx)).toThrow(UsageError);
      expect(() => lock.release(cx)).toThrow(
        "lock.release: the lock is not held; release only after a successful acquire, once",
      );
      await lock.acquire(cx);
      lock.release(cx);
      expect(() => lock.release(cx)).toThrow(/the lock is not held/);
    }),
  );

  test(
    "only the holder may release: another task's release is a UsageError and changes nothing",
    mockRun(async (cx) => {
      const lock = new Lock();
      await lock.acquire(cx);
      const caught = await thrownInAnotherTask(cx, (cx) => lock.release(cx));
      expect(caught).toBeInstanceOf(UsageError);
      expect((caught as Error).message).toBe(
        "lock.release: another task holds this lock; only the task that acquired it may release it",
      );
      expect(lock.statistics().owner).toBe(cx);
      lock.release(cx);
      expect(lock.locked()).toBe(false);
    }),
  );

  test(
    "a value that is not a cx is rejected with a UsageError",
    mockRun(async () => {
      const lock = new Lock();
      await expect(lock.acquire({} as Cx)).rejects.toThrow(/lock\.acquire: expected the cx/);
      expect(() => lock.acquireNowait(null as never)).toThrow(/lock\.acquireNowait: expected the cx/);
      expect(() => lock.release(undefined as never)).toThrow(/lock\.release: expected the cx/);
      expect(lock.locked()).toBe(false);
    }),
  );
});

describe("Lock.acquireNowait", () => {
  test(
    "takes a free lock at once",
    mockRun(async (cx) => {
      const lock = new Lock();
      expect(lock.acquireNowait(cx)).toBeUndefined();
      expect(lock.statistics().owner).toBe(cx);
      lock.release(cx);
    }),
  );

  test(
    "throws WouldBlock when another task holds the lock, without queueing",
    mockRun(async (cx) => {
      const lock = new Lock();
      await lock.acquire(cx);
      const caught = await thrownInAnotherTask(cx, (cx) => lock.acquireNowait(cx));
      expect(caught).toBeInstanceOf(WouldBlock);
      expect((caught as Error).message).toMatch(/lock\.acquireNowait: the lock is held by another task; use acquire\(cx\)/);
      expect(lock.statistics()).toEqual({ locked: true, owner: cx, tasksWaiting: 0 });
      lock.release(cx);
    }),
  );

  test(
    "is not a checkpoint: it takes the lock even inside a cancelled scope",
    mockRun(async (cx) => {
      const lock = new Lock();
      await withCancelScope(cx, (cx, scope) => {
        scope.cancel();
        lock.acquireNowait(cx);
        expect(lock.statistics().owner).toBe(cx);
        lock.release(cx);
      });
      expect(lock.locked()).toBe(false);
    }),
  );
});

describe("Lock and cancellation", () => {
  test(
    "acquire is a checkpoint: in a cancelled scope it throws Cancelled even though the lock is free, and does not take it",
    mockRun(async (cx) => {
      const lock = new Lock();
      await withCancelScope(cx, async (cx, scope) => {
        scope.cancel();
        await expect(lock.acquire(cx)).rejects.toBeInstanceOf(Cancelled);
      });
      expect(lock.statistics()).toEqual({ locked: false, owner: null, tasksWaiting: 0 });
    }),
  );

  test(
    "a waiting acquire that is cancelled throws Cancelled, does not take the lock and leaves no waiter behind",
    mockRun(async (cx, clock) => {
      const lock = new Lock();
      let seen: unknown;
      let gotIt = false;
      await withNursery(cx, async (n) => {
        n.start(async (cx) => {
          await lock.acquire(cx);
          await sleep(cx, 20);
          lock.release(cx);
        });
        await waitAllTasksBlocked(cx);
        await moveOnAfter(cx, 10, async (cx) => {
          expect(lock.statistics().tasksWaiting).toBe(0);
          try {
            await lock.acquire(cx);
            gotIt = true;
          } catch (e) {
            seen = e;
            throw e;
          }
        });
        expect(clock.now()).toBe(10);
        expect(lock.statistics().tasksWaiting).toBe(0);
        expect(lock.statistics().owner).not.toBe(cx);
      });
      expect(seen).toBeInstanceOf(Cancelled);
      expect(gotIt).toBe(false);
      // The holder's release found nobody waiting: the lock is free, not handed to the cancelled task.
      expect(lock.statistics()).toEqual({ locked: false, owner: null, tasksWaiting: 0 });
      expect(clock.now()).toBe(20);
    }),
  );

  test(
    "release is synchronous and not a checkpoint: it works in a cancelled scope and hands over at once",
    mockRun(async (cx) => {
      const lock = new Lock();
      let waiterCx: Cx | undefined;
      await withNursery(cx, async (n) => {
        await lock.acquire(cx);
        n.start(async (cx) => {
          waiterCx = cx;
          await lock.acquire(cx);
          lock.release(cx);
        });
        await waitAllTasksBlocked(cx);
        await withCancelScope(cx, (cx, scope) => {
          scope.cancel();
          expect(lock.release(cx)).toBeUndefined();
          expect(lock.statistics().owner).toBe(waiterCx);
        });
      });
      expect(lock.locked()).toBe(false);
    }),
  );
});

describe("a Lock whose holder ends without releasing it is broken", () => {
  test(
    "tasks already waiting get BrokenResourceError when the holder returns",
    mockRun(async (cx, clock) => {
      const lock = new Lock();
      const outcomes: string[] = [];
      const errors: unknown[] = [];
      await withNursery(cx, async (n) => {
        n.start(async (cx) => {
          await lock.acquire(cx);
          await sleep(cx, 10);
          // returns still holding the lock
        });
        await waitAllTasksBlocked(cx);
        for (const name of ["w1", "w2"]) {
          n.start(async (cx) => {
            try {
              await lock.acquire(cx);
              outcomes.push(`${name} acquired`);
            } catch (e) {
              errors.push(e);
              outcomes.push(`${name} broken at ${cx.now()}`);
            }
          });
        }
        await waitAllTasksBlocked(cx);
        expect(lock.statistics().tasksWaiting).toBe(2);
      });
      expect(outcomes).toEqual(["w1 broken at 10", "w2 broken at 10"]);
      expect(errors).toHaveLength(2);
      for (const error of errors) {
        expect(error).toBeInstanceOf(BrokenResourceError);
        expect((error as Error).message).toMatch(/^lock\.acquire: the task that held this lock ended without releasing it/);
      }
      expect(clock.now()).toBe(10);
      expect(lock.statistics()).toEqual({ locked: false, owner: null, tasksWaiting: 0 });
    }),
  );

  test(
    "a later acquire, and acquireNowait, throw BrokenResourceError instead of taking it",
    mockRun(async (cx) => {
      const lock = new Lock();
      await withNursery(cx, (n) => {
        n.start(async (cx) => {
          await lock.acquire(cx);
        });
      });
      await expect(lock.acquire(cx)).rejects.toThrow(BrokenResourceError);
      await expect(lock.acquire(cx)).rejects.toThrow(/ended without releasing it/);
      expect(() => lock.acquireNowait(cx)).toThrow(BrokenResourceError);
      expect(() => lock.acquireNowait(cx)).toThrow(/^lock\.acquireNowait: the task that held this lock ended/);
      expect(lock.statistics()).toEqual({ locked: false, owner: null, tasksWaiting: 0 });
    }),
  );

  test(
    "also when the holder took it with acquireNowait in its synchronous start and returned at once",
    mockRun(async (cx) => {
      const lock = new Lock();
      await withNursery(cx, (n) => {
        n.start((cx) => {
          lock.acquireNowait(cx);
        });
      });
      await expect(lock.acquire(cx)).rejects.toThrow(BrokenResourceError);
    }),
  );

  test(
    "also when the holder fails: its error comes out of the nursery and the lock is broken afterwards",
    mockRun(async (cx) => {
      const lock = new Lock();
      const boom = new Boom("holder failed");
      await expect(
        withNursery(cx, (n) => {
          n.start(async (cx) => {
            await lock.acquire(cx);
            await sleep(cx, 5);
            throw boom;
          });
        }),
      ).rejects.toBe(boom);
      await expect(lock.acquire(cx)).rejects.toThrow(BrokenResourceError);
    }),
  );

  test(
    "a holder that released before ending leaves the lock usable",
    mockRun(async (cx) => {
      const lock = new Lock();
      await withNursery(cx, (n) => {
        n.start(async (cx) => {
          await lock.acquire(cx);
          await sleep(cx, 5);
          lock.release(cx);
        });
      });
      await lock.acquire(cx);
      expect(lock.statistics().owner).toBe(cx);
      lock.release(cx);
    }),
  );
});
