import { describe, expect, test } from "vitest";
import {
  Cancelled,
  Condition,
  Lock,
  UsageError,
  WouldBlock,
  isCancelled,
  moveOnAfter,
  sleep,
  withCancelScope,
  withNursery,
  type Cx,
  type Nursery,
} from "corral";
import { mockRun, waitAllTasksBlocked } from "corral/testing";
import { thrownInAnotherTask } from "../support/in-another-task.ts";

describe("Condition and its lock", () => {
  test(
    "makes a new Lock by default, or uses the one it is given",
    mockRun(async (cx) => {
      const lock = new Lock();
      const shared = new Condition(lock);
      expect(shared.lock).toBe(lock);
      const own = new Condition();
      expect(own.lock).toBeInstanceOf(Lock);
      expect(own.lock).not.toBe(lock);
      expect(new Condition().lock).not.toBe(own.lock);
      await shared.acquire(cx);
      expect(lock.statistics().owner).toBe(cx);
      expect(own.locked()).toBe(false);
      shared.release(cx);
    }),
  );

  test(
    "acquire, acquireNowait, release and locked act on the lock",
    mockRun(async (cx) => {
      const condition = new Condition();
      expect(condition.locked()).toBe(false);
      await condition.acquire(cx);
      expect(condition.locked()).toBe(true);
      expect(condition.lock.statistics().owner).toBe(cx);
      condition.release(cx);
      expect(condition.locked()).toBe(false);
      condition.acquireNowait(cx);
      expect(condition.lock.statistics().owner).toBe(cx);
      await withNursery(cx, (n) => {
        n.start((cx) => {
          expect(() => condition.acquireNowait(cx)).toThrow(WouldBlock);
        });
      });
      condition.release(cx);
      expect(() => condition.release(cx)).toThrow(/the lock is not held/);
    }),
  );

  test(
    "statistics() reports { tasksWaiting, lockStatistics }",
    mockRun(async (cx) => {
      const condition = new Condition();
      expect(condition.statistics()).toEqual({
        tasksWaiting: 0,
        lockStatistics: { locked: false, owner: null, tasksWaiting: 0 },
      });
      await withNursery(cx, async (n) => {
        n.start(async (cx) => {
          await condition.acquire(cx);
          await condition.wait(cx);
          condition.release(cx);
        });
        await waitAllTasksBlocked(cx);
        await condition.acquire(cx);
        expect(condition.statistics()).toEqual({
          tasksWaiting: 1,
          lockStatistics: { locked: true, owner: cx, tasksWaiting: 0 },
        });
        condition.notify(cx);
        condition.release(cx);
      });
      expect(condition.statistics()).toEqual({
        tasksWaiting: 0,
        lockStatistics: { locked: false, owner: null, tasksWaiting: 0 },
      });
    }),
  );
});

describe("Condition.wait", () => {
  test(
    "without holding the lock is a UsageError, and nothing is queued",
    mockRun(async (cx) => {
      const condition = new Condition();
      await expect(condition.wait(cx)).rejects.toThrow(UsageError);
      await expect(condition.wait(cx)).rejects.toThrow(
        "condition.wait: acquire the condition's lock first; wait releases and retakes it",
      );
      expect(condition.statistics().tasksWaiting).toBe(0);
    }),
  );

  test(
    "while another task holds the lock is a UsageError, and the lock stays with that task",
    mockRun(async (cx) => {
      const condition = new Condition();
      await condition.acquire(cx);
      const caught = await thrownInAnotherTask(cx, (cx) => condition.wait(cx));
      expect(caught).toBeInstanceOf(UsageError);
      expect((caught as Error).message).toMatch(/^condition\.wait: acquire the condition's lock first/);
      expect(condition.lock.statistics().owner).toBe(cx);
      expect(condition.statistics().tasksWaiting).toBe(0);
      condition.release(cx);
    }),
  );

  test(
    "releases the lock while waiting and holds it again when it returns after a notify",
    mockRun(async (cx, clock) => {
      const condition = new Condition();
      let ownerAfterWait: Cx | null = null;
      let waiterCx: Cx | undefined;
      let returnedAt = -1;
      await withNursery(cx, async (n) => {
        n.start(async (cx) => {
          waiterCx = cx;
          await condition.acquire(cx);
          await condition.wait(cx);
          ownerAfterWait = condition.lock.statistics().owner;
          returnedAt = cx.now();
          condition.release(cx);
        });
        await waitAllTasksBlocked(cx);
        // The waiter gave the lock up: another task can take it at once.
        expect(condition.locked()).toBe(false);
        condition.acquireNowait(cx);
        condition.notify(cx);
        await sleep(cx, 10);
        // Notified, but the notifier still holds the lock: the waiter has not returned.
        expect(returnedAt).toBe(-1);
        expect(condition.lock.statistics().tasksWaiting).toBe(1);
        condition.release(cx);
      });
      expect(ownerAfterWait).toBe(waiterCx);
      expect(returnedAt).toBe(10);
      expect(clock.now()).toBe(10);
      expect(condition.locked()).toBe(false);
    }),
  );

  test(
    "blocks until notified: it does not return on its own",
    mockRun(async (cx, clock) => {
      const condition = new Condition();
      await condition.acquire(cx);
      const outcome = await moveOnAfter(cx, 1_000, async (cx) => {
        await condition.wait(cx);
        return "returned";
      });
      expect(outcome).toBeUndefined();
      expect(clock.now()).toBe(1_000);
      condition.release(cx);
    }),
  );
});

describe("Condition notify and notifyAll", () => {
  test(
    "notify(cx) wakes exactly one waiter, the oldest",
    mockRun(async (cx) => {
      const condition = new Condition();
      const log: string[] = [];
      await withNursery(cx, async (n) => {
        await startWaiters(cx, n, { condition, names: ["a", "b", "c"], log });
        expect(condition.statistics().tasksWaiting).toBe(3);
        await notifyHolding(cx, condition);
        expect(condition.statistics().tasksWaiting).toBe(2);
        await waitAllTasksBlocked(cx);
        expect(log).toEqual(["a"]);
        await notifyHolding(cx, condition);
        await waitAllTasksBlocked(cx);
        expect(log).toEqual(["a", "b"]);
        await notifyHolding(cx, condition);
      });
      expect(log).toEqual(["a", "b", "c"]);
    }),
  );

  test(
    "notify(n) wakes the n oldest waiters in order; they take the lock back one after the other",
    mockRun(async (cx) => {
      const condition = new Condition();
      const log: string[] = [];
      await withNursery(cx, async (n) => {
        await startWaiters(cx, n, { condition, names: ["a", "b", "c", "d"], log });
        await condition.acquire(cx);
        condition.notify(cx, 2);
        expect(condition.statistics().tasksWaiting).toBe(2);
        condition.release(cx);
        await waitAllTasksBlocked(cx);
        expect(log).toEqual(["a", "b"]);
        await notifyHolding(cx, condition, 5);
        expect(condition.statistics().tasksWaiting).toBe(0);
      });
      expect(log).toEqual(["a", "b", "c", "d"]);
    }),
  );

  test(
    "notifyAll() wakes every waiter, oldest first",
    mockRun(async (cx) => {
      const condition = new Condition();
      const log: string[] = [];
      await withNursery(cx, async (n) => {
        await startWaiters(cx, n, { condition, names: ["w1", "w2", "w3", "w4"], log });
        await condition.acquire(cx);
        condition.notifyAll(cx);
        expect(condition.statistics().tasksWaiting).toBe(0);
        condition.release(cx);
      });
      expect(log).toEqual(["w1", "w2", "w3", "w4"]);
    }),
  );

  test(
    "notify with nobody waiting does nothing and is not remembered for a later wait",
    mockRun(async (cx) => {
      const condition = new Condition();
      await condition.acquire(cx);
      condition.notify(cx);
      condition.notify(cx, 3);
      condition.notifyAll(cx);
      const outcome = await moveOnAfter(cx, 5, async (cx) => {
        await condition.wait(cx);
        return "woken";
      });
      expect(outcome).toBeUndefined();
      condition.release(cx);
    }),
  );

  test(
    "notify and notifyAll are synchronous and not checkpoints: they work inside a cancelled scope",
    mockRun(async (cx) => {
      const condition = new Condition();
      const log: string[] = [];
      await withNursery(cx, async (n) => {
        await startWaiters(cx, n, { condition, names: ["a", "b"], log });
        await condition.acquire(cx);
        await withCancelScope(cx, (cx, scope) => {
          scope.cancel();
          expect(condition.notify(cx)).toBeUndefined();
          expect(condition.statistics().tasksWaiting).toBe(1);
          expect(condition.notifyAll(cx)).toBeUndefined();
          expect(condition.statistics().tasksWaiting).toBe(0);
        });
        condition.release(cx);
      });
      expect(log).toEqual(["a", "b"]);
    }),
  );
});

describe("Condition.wait and cancellation", () => {
  test(
    "in an already cancelled scope it throws Cancelled at once, keeps the lock and queues nothing",
    mockRun(async (cx) => {
      const condition = new Condition();
      await condition.acquire(cx);
      let ownerInCatch: Cx | null = null;
      await withCancelScope(cx, async (cx, scope) => {
        scope.cancel();
        try {
          await condition.wait(cx);
        } catch (e) {
          expect(e).toBeInstanceOf(Cancelled);
          ownerInCatch = condition.lock.statistics().owner;
          throw e;
        }
      });
      expect(ownerInCatch).toBe(cx);
      expect(condition.statistics().tasksWaiting).toBe(0);
      expect(condition.lock.statistics().owner).toBe(cx);
      condition.release(cx);
    }),
  );

  test(
    "a cancelled wait takes the lock back before throwing: the task holds it in catch and finally",
    mockRun(async (cx, clock) => {
      const condition = new Condition();
      const seen: string[] = [];
      let waiterCx: Cx | undefined;
      await withNursery(cx, async (n) => {
        n.start(async (cx) => {
          waiterCx = cx;
          await condition.acquire(cx);
          await moveOnAfter(cx, 10, async (cx) => {
            try {
              await condition.wait(cx);
              seen.push("returned normally");
            } catch (e) {
              seen.push(`catch: ${isCancelled(e) ? "Cancelled" : String(e)}, owner is me: ${condition.lock.statistics().owner === cx}, at ${cx.now()}`);
              throw e;
            } finally {
              seen.push(`finally: owner is me: ${condition.lock.statistics().owner === cx}`);
            }
          });
          seen.push(`after scope: owner is me: ${condition.lock.statistics().owner === cx}`);
          condition.release(cx);
        });
        // At t=5 another task takes the free lock and keeps it until t=20, so the cancelled
        // waiter (cancelled at t=10) must wait for it before its wait can throw.
        await sleep(cx, 5);
        await condition.acquire(cx);
        expect(condition.statistics().tasksWaiting).toBe(1);
        await sleep(cx, 15);
        expect(seen).toEqual([]);
        expect(condition.statistics().tasksWaiting).toBe(0);
        expect(condition.lock.statistics().tasksWaiting).toBe(1);
        condition.release(cx);
        expect(condition.lock.statistics().owner).toBe(waiterCx);
      });
      expect(seen).toEqual([
        "catch: Cancelled, owner is me: true, at 20",
        "finally: owner is me: true",
        "after scope: owner is me: true",
      ]);
      expect(clock.now()).toBe(20);
      expect(condition.statistics()).toEqual({
        tasksWaiting: 0,
        lockStatistics: { locked: false, owner: null, tasksWaiting: 0 },
      });
    }),
  );

  test(
    "a cancelled waiter leaves no waiter behind: a later notify goes to the next one",
    mockRun(async (cx) => {
      const condition = new Condition();
      const log: string[] = [];
      await withNursery(cx, async (n) => {
        n.start(async (cx) => {
          await condition.acquire(cx);
          const outcome = await moveOnAfter(cx, 5, async (cx) => {
            await condition.wait(cx);
            return "notified";
          });
          log.push(`first: ${String(outcome)}`);
          condition.release(cx);
        });
        await waitAllTasksBlocked(cx);
        n.start(async (cx) => {
          await condition.acquire(cx);
          await condition.wait(cx);
          log.push("second: notified");
          condition.release(cx);
        });
        await sleep(cx, 10);
        expect(condition.statistics().tasksWaiting).toBe(1);
        await notifyHolding(cx, condition);
      });
      expect(log).toEqual(["first: undefined", "second: notified"]);
    }),
  );

  test(
    "a wait whose task's nursery is cancelled still re-acquires before the Cancelled propagates",
    mockRun(async (cx) => {
      const condition = new Condition();
      let heldWhenCancelled = false;
      await withNursery(cx, async (n) => {
        n.start(async (cx) => {
          await condition.acquire(cx);
          try {
            await condition.wait(cx);
          } finally {
            heldWhenCancelled = condition.lock.statistics().owner === cx;
            condition.release(cx);
          }
        });
        await waitAllTasksBlocked(cx);
        n.cancelScope.cancel();
      });
      expect(heldWhenCancelled).toBe(true);
      expect(condition.locked()).toBe(false);
      expect(condition.statistics().tasksWaiting).toBe(0);
    }),
  );
});

/** Notify `n` waiters the way callers must: holding the condition's lock. */
async function notifyHolding(cx: Cx, condition: Condition, n = 1): Promise<void> {
  await condition.acquire(cx);
  condition.notify(cx, n);
  condition.release(cx);
}

describe("Condition notify requires the lock", () => {
  test(
    "notify and notifyAll without holding the lock are refused with a message",
    mockRun(async (cx) => {
      const condition = new Condition();
      expect(() => condition.notify(cx)).toThrow(UsageError);
      expect(() => condition.notify(cx)).toThrow(/acquire the condition's lock first/);
      expect(() => condition.notifyAll(cx)).toThrow(/acquire the condition's lock first/);
    }),
  );
});

describe("Condition notify in Trio's shape", () => {
  test(
    "notify() and notifyAll() without cx wake waiters without an ownership check",
    mockRun(async (cx) => {
      const condition = new Condition();
      const log: string[] = [];
      await withNursery(cx, async (n) => {
        await startWaiters(cx, n, { condition, names: ["a", "b", "c"], log });
        condition.notify();
        expect(condition.statistics().tasksWaiting).toBe(2);
        condition.notify(1);
        condition.notifyAll();
        expect(condition.statistics().tasksWaiting).toBe(0);
      });
      expect(log).toEqual(["a", "b", "c"]);
    }),
  );
});

/** Start `names.length` tasks that each wait on `condition` in turn and log their name when they return. */
async function startWaiters(
  cx: Cx,
  n: Nursery,
  setup: { condition: Condition; names: readonly string[]; log: string[] },
): Promise<void> {
  for (const name of setup.names) {
    n.start(async (cx) => {
      await setup.condition.acquire(cx);
      await setup.condition.wait(cx);
      setup.log.push(name);
      setup.condition.release(cx);
    });
    await waitAllTasksBlocked(cx);
  }
}
