import { describe, expect, test } from "vitest";
import {
  Cancelled,
  Semaphore,
  UsageError,
  WouldBlock,
  moveOnAfter,
  sleep,
  withCancelScope,
  withNursery,
  type Cx,
} from "corral";
import { mockRun, waitAllTasksBlocked } from "corral/testing";

describe("Semaphore construction", () => {
  test(
    "keeps the initial value and max; max defaults to Infinity",
    mockRun(async () => {
      const plain = new Semaphore(3);
      expect(plain.value).toBe(3);
      expect(plain.max).toBe(Infinity);
      const bounded = new Semaphore(1, { max: 2 });
      expect(bounded.value).toBe(1);
      expect(bounded.max).toBe(2);
      expect(new Semaphore(0).value).toBe(0);
    }),
  );

  test(
    "rejects an initial value that is not a whole number >= 0",
    mockRun(async () => {
      expect(() => new Semaphore(-1)).toThrow(UsageError);
      expect(() => new Semaphore(-1)).toThrow("new Semaphore(initialValue) must be a whole number >= 0, got -1");
      expect(() => new Semaphore(1.5)).toThrow("new Semaphore(initialValue) must be a whole number >= 0, got 1.5");
      expect(() => new Semaphore(Number.NaN)).toThrow(/got NaN/);
      expect(() => new Semaphore(Infinity)).toThrow(/got Infinity/);
      expect(() => new Semaphore("2" as unknown as number)).toThrow(/must be a whole number >= 0, got 2/);
    }),
  );

  test(
    "rejects a bad max, and an initial value above max",
    mockRun(async () => {
      expect(() => new Semaphore(0, { max: -1 })).toThrow(
        "new Semaphore(initialValue, { max }) must be a whole number >= 0, got -1",
      );
      expect(() => new Semaphore(0, { max: 2.5 })).toThrow(UsageError);
      expect(() => new Semaphore(3, { max: 2 })).toThrow(UsageError);
      expect(() => new Semaphore(3, { max: 2 })).toThrow("new Semaphore(3, { max: 2 }): the initial value is above max");
    }),
  );
});

describe("Semaphore acquire and release", () => {
  test(
    "acquire takes a permit and release gives one back; statistics() reports { value, max, tasksWaiting }",
    mockRun(async (cx) => {
      const semaphore = new Semaphore(2, { max: 2 });
      expect(semaphore.statistics()).toEqual({ value: 2, max: 2, tasksWaiting: 0 });
      await semaphore.acquire(cx);
      await semaphore.acquire(cx);
      expect(semaphore.statistics()).toEqual({ value: 0, max: 2, tasksWaiting: 0 });
      semaphore.release();
      expect(semaphore.value).toBe(1);
      semaphore.release();
      expect(semaphore.statistics()).toEqual({ value: 2, max: 2, tasksWaiting: 0 });
      expect(new Semaphore(0).statistics()).toEqual({ value: 0, max: Infinity, tasksWaiting: 0 });
    }),
  );

  test(
    "limits how many tasks are inside at once",
    mockRun(async (cx, clock) => {
      const semaphore = new Semaphore(2);
      let inside = 0;
      let mostInside = 0;
      await withNursery(cx, (n) => {
        for (let i = 0; i < 5; i++) {
          n.start(async (cx) => {
            await semaphore.acquire(cx);
            try {
              inside++;
              mostInside = Math.max(mostInside, inside);
              await sleep(cx, 10);
              inside--;
            } finally {
              semaphore.release();
            }
          });
        }
      });
      expect(mostInside).toBe(2);
      expect(clock.now()).toBe(30);
      expect(semaphore.value).toBe(2);
    }),
  );

  test(
    "a waiter blocks until a permit is released, then gets it",
    mockRun(async (cx) => {
      const semaphore = new Semaphore(0);
      let acquiredAt = -1;
      await withNursery(cx, async (n) => {
        n.start(async (cx) => {
          await semaphore.acquire(cx);
          acquiredAt = cx.now();
        });
        await sleep(cx, 15);
        expect(acquiredAt).toBe(-1);
        expect(semaphore.statistics().tasksWaiting).toBe(1);
        semaphore.release();
      });
      expect(acquiredAt).toBe(15);
      expect(semaphore.value).toBe(0);
    }),
  );

  test(
    "waiters get permits first come, first served",
    mockRun(async (cx) => {
      const semaphore = new Semaphore(0);
      const order: string[] = [];
      await withNursery(cx, async (n) => {
        for (const name of ["first", "second", "third"]) {
          n.start(async (cx) => {
            await semaphore.acquire(cx);
            order.push(name);
          });
          await waitAllTasksBlocked(cx);
        }
        expect(semaphore.statistics().tasksWaiting).toBe(3);
        for (let i = 0; i < 3; i++) {
          semaphore.release();
          await waitAllTasksBlocked(cx);
        }
      });
      expect(order).toEqual(["first", "second", "third"]);
    }),
  );

  test(
    "release hands the permit straight to the longest waiter: the value stays 0 and nobody can barge in",
    mockRun(async (cx) => {
      const semaphore = new Semaphore(0);
      let got = false;
      await withNursery(cx, async (n) => {
        n.start(async (cx) => {
          await semaphore.acquire(cx);
          got = true;
        });
        await waitAllTasksBlocked(cx);
        semaphore.release();
        expect(semaphore.statistics()).toEqual({ value: 0, max: Infinity, tasksWaiting: 0 });
        expect(() => semaphore.acquireNowait()).toThrow(WouldBlock);
      });
      expect(got).toBe(true);
      expect(semaphore.value).toBe(0);
    }),
  );

  test(
    "has no owner: a task may release a permit another task acquired",
    mockRun(async (cx) => {
      const semaphore = new Semaphore(1, { max: 1 });
      await semaphore.acquire(cx);
      await withNursery(cx, (n) => {
        n.start(() => semaphore.release());
      });
      expect(semaphore.value).toBe(1);
    }),
  );

  test(
    "release above max is a UsageError and leaves the value unchanged",
    mockRun(async (cx) => {
      const semaphore = new Semaphore(1, { max: 1 });
      expect(() => semaphore.release()).toThrow(UsageError);
      expect(() => semaphore.release()).toThrow(
        "semaphore.release: the value is already at its max (1); release once per acquire",
      );
      expect(semaphore.value).toBe(1);
      await semaphore.acquire(cx);
      semaphore.release();
      expect(() => semaphore.release()).toThrow(/already at its max \(1\)/);
      expect(semaphore.value).toBe(1);
    }),
  );

  test(
    "without max, release raises the value without limit",
    mockRun(async () => {
      const semaphore = new Semaphore(0);
      for (let i = 0; i < 5; i++) semaphore.release();
      expect(semaphore.value).toBe(5);
    }),
  );

  test(
    "a value that is not a cx is rejected with a UsageError",
    mockRun(async () => {
      const semaphore = new Semaphore(1);
      await expect(semaphore.acquire({} as Cx)).rejects.toThrow(/semaphore\.acquire: expected the cx/);
      expect(semaphore.value).toBe(1);
    }),
  );
});

describe("Semaphore.acquireNowait", () => {
  test(
    "takes a permit when one is free, else throws WouldBlock without queueing",
    mockRun(async () => {
      const semaphore = new Semaphore(1);
      semaphore.acquireNowait();
      expect(semaphore.value).toBe(0);
      expect(() => semaphore.acquireNowait()).toThrow(WouldBlock);
      expect(() => semaphore.acquireNowait()).toThrow("semaphore.acquireNowait: no permit available; use acquire(cx)");
      expect(semaphore.statistics()).toEqual({ value: 0, max: Infinity, tasksWaiting: 0 });
    }),
  );
});

describe("Semaphore and cancellation", () => {
  test(
    "acquire is a checkpoint: in a cancelled scope it throws Cancelled even with permits free, and takes none",
    mockRun(async (cx) => {
      const semaphore = new Semaphore(2);
      await withCancelScope(cx, async (cx, scope) => {
        scope.cancel();
        await expect(semaphore.acquire(cx)).rejects.toBeInstanceOf(Cancelled);
      });
      expect(semaphore.statistics()).toEqual({ value: 2, max: Infinity, tasksWaiting: 0 });
    }),
  );

  test(
    "a waiting acquire that is cancelled takes no permit and leaves no waiter: a later release raises the value",
    mockRun(async (cx, clock) => {
      const semaphore = new Semaphore(0, { max: 1 });
      let seen: unknown;
      const result = await moveOnAfter(cx, 10, async (cx) => {
        try {
          await semaphore.acquire(cx);
        } catch (e) {
          seen = e;
          throw e;
        }
        return "acquired";
      });
      expect(result).toBeUndefined();
      expect(seen).toBeInstanceOf(Cancelled);
      expect(clock.now()).toBe(10);
      expect(semaphore.statistics()).toEqual({ value: 0, max: 1, tasksWaiting: 0 });
      semaphore.release();
      expect(semaphore.value).toBe(1);
    }),
  );

  test(
    "a cancelled waiter is skipped: the permit goes to the next one in line",
    mockRun(async (cx) => {
      const semaphore = new Semaphore(0);
      const log: string[] = [];
      await withNursery(cx, async (n) => {
        n.start(async (cx) => {
          await moveOnAfter(cx, 5, (cx) => semaphore.acquire(cx));
          log.push("a gave up");
        });
        await waitAllTasksBlocked(cx);
        n.start(async (cx) => {
          await semaphore.acquire(cx);
          log.push("b acquired");
        });
        await sleep(cx, 10);
        semaphore.release();
      });
      expect(log).toEqual(["a gave up", "b acquired"]);
      expect(semaphore.statistics()).toEqual({ value: 0, max: Infinity, tasksWaiting: 0 });
    }),
  );

  test(
    "release is synchronous and not a checkpoint: it works inside a cancelled scope",
    mockRun(async (cx) => {
      const semaphore = new Semaphore(0);
      await withCancelScope(cx, (_cx, scope) => {
        scope.cancel();
        expect(semaphore.release()).toBeUndefined();
        expect(semaphore.value).toBe(1);
      });
    }),
  );
});

describe("Semaphore max is checked before a waiter is served", () => {
  test(
    "with max 0, release is refused even while a task waits (as in Trio)",
    mockRun(async (cx) => {
      const semaphore = new Semaphore(0, { max: 0 });
      await withNursery(cx, async (n) => {
        n.start(async (cx) => {
          await moveOnAfter(cx, 10, (cx) => semaphore.acquire(cx));
        });
        await waitAllTasksBlocked(cx);
        expect(() => semaphore.release()).toThrow(/already at its max \(0\)/);
        expect(semaphore.statistics().tasksWaiting).toBe(1);
      });
    }),
  );
});
