import { describe, expect, test } from "vitest";
import {
  CapacityLimiter,
  Cancelled,
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

describe("CapacityLimiter construction and token counts", () => {
  test(
    "starts with every token available",
    mockRun(async () => {
      const limiter = new CapacityLimiter(3);
      expect(limiter.totalTokens).toBe(3);
      expect(limiter.borrowedTokens).toBe(0);
      expect(limiter.availableTokens).toBe(3);
      expect(new CapacityLimiter(Infinity).availableTokens).toBe(Infinity);
    }),
  );

  test(
    "rejects a total that is not a whole number >= 1 or Infinity",
    mockRun(async () => {
      expect(() => new CapacityLimiter(0)).toThrow(UsageError);
      expect(() => new CapacityLimiter(0)).toThrow(
        "new CapacityLimiter(totalTokens) must be a whole number >= 1 or Infinity, got 0",
      );
      expect(() => new CapacityLimiter(-2)).toThrow(/got -2/);
      expect(() => new CapacityLimiter(2.5)).toThrow(/got 2.5/);
      expect(() => new CapacityLimiter(Number.NaN)).toThrow(/got NaN/);
      expect(() => new CapacityLimiter(-Infinity)).toThrow(/got -Infinity/);
      expect(() => new CapacityLimiter("4" as unknown as number)).toThrow(UsageError);
    }),
  );

  test(
    "statistics() reports { borrowedTokens, totalTokens, borrowers, tasksWaiting }",
    mockRun(async (cx) => {
      const limiter = new CapacityLimiter(2);
      const job = { id: "job-1" };
      expect(limiter.statistics()).toEqual({ borrowedTokens: 0, totalTokens: 2, borrowers: [], tasksWaiting: 0 });
      await limiter.acquire(cx);
      await limiter.acquireOnBehalfOf(cx, job);
      await withNursery(cx, async (n) => {
        n.start(async (cx) => {
          await limiter.acquire(cx);
          limiter.release(cx);
        });
        await waitAllTasksBlocked(cx);
        const stats = limiter.statistics();
        expect(stats).toEqual({ borrowedTokens: 2, totalTokens: 2, borrowers: [cx, job], tasksWaiting: 1 });
        expect(stats.borrowers[0]).toBe(cx);
        expect(stats.borrowers[1]).toBe(job);
        limiter.releaseOnBehalfOf(job);
      });
      expect(limiter.statistics()).toEqual({ borrowedTokens: 1, totalTokens: 2, borrowers: [cx], tasksWaiting: 0 });
      limiter.release(cx);
      expect(limiter.statistics()).toEqual({ borrowedTokens: 0, totalTokens: 2, borrowers: [], tasksWaiting: 0 });
    }),
  );
});

describe("CapacityLimiter acquire and release", () => {
  test(
    "limits how many tasks hold a token at once",
    mockRun(async (cx, clock) => {
      const limiter = new CapacityLimiter(2);
      let inside = 0;
      let mostInside = 0;
      await withNursery(cx, (n) => {
        for (let i = 0; i < 6; i++) {
          n.start(async (cx) => {
            await limiter.acquire(cx);
            try {
              inside++;
              mostInside = Math.max(mostInside, inside);
              expect(limiter.borrowedTokens).toBeLessThanOrEqual(2);
              await sleep(cx, 10);
              inside--;
            } finally {
              limiter.release(cx);
            }
          });
        }
      });
      expect(mostInside).toBe(2);
      expect(clock.now()).toBe(30);
      expect(limiter.borrowedTokens).toBe(0);
    }),
  );

  test(
    "tracks the calling task as the borrower: borrowedTokens and availableTokens follow",
    mockRun(async (cx) => {
      const limiter = new CapacityLimiter(3);
      await limiter.acquire(cx);
      expect(limiter.borrowedTokens).toBe(1);
      expect(limiter.availableTokens).toBe(2);
      expect(limiter.statistics().borrowers).toEqual([cx]);
      limiter.release(cx);
      expect(limiter.availableTokens).toBe(3);
    }),
  );

  test(
    "waiters get tokens first come, first served",
    mockRun(async (cx) => {
      const limiter = new CapacityLimiter(1);
      const order: string[] = [];
      await limiter.acquire(cx);
      await withNursery(cx, async (n) => {
        for (const name of ["first", "second", "third"]) {
          n.start(async (cx) => {
            await limiter.acquire(cx);
            order.push(name);
            await sleep(cx, 1);
            limiter.release(cx);
          });
          await waitAllTasksBlocked(cx);
        }
        expect(limiter.statistics().tasksWaiting).toBe(3);
        limiter.release(cx);
      });
      expect(order).toEqual(["first", "second", "third"]);
    }),
  );

  test(
    "release passes the token straight to the longest waiter, so nobody can barge in",
    mockRun(async (cx) => {
      const limiter = new CapacityLimiter(1);
      let waiterCx: Cx | undefined;
      await limiter.acquire(cx);
      await withNursery(cx, async (n) => {
        n.start(async (cx) => {
          waiterCx = cx;
          await limiter.acquire(cx);
          limiter.release(cx);
        });
        await waitAllTasksBlocked(cx);
        limiter.release(cx);
        expect(limiter.statistics().borrowers).toEqual([waiterCx]);
        expect(limiter.availableTokens).toBe(0);
        expect(() => limiter.acquireNowait(cx)).toThrow(WouldBlock);
      });
      expect(limiter.borrowedTokens).toBe(0);
    }),
  );

  test(
    "acquireOnBehalfOf borrows for any object, which any task may then release",
    mockRun(async (cx) => {
      const limiter = new CapacityLimiter(2);
      const connection = { name: "conn" };
      await limiter.acquireOnBehalfOf(cx, connection);
      expect(limiter.statistics().borrowers).toEqual([connection]);
      expect(() => limiter.release(cx)).toThrow(/this borrower holds no token/);
      await withNursery(cx, (n) => {
        n.start(() => limiter.releaseOnBehalfOf(connection));
      });
      expect(limiter.borrowedTokens).toBe(0);
    }),
  );

  test(
    "a waiting acquireOnBehalfOf gives the token to the named borrower, not to the task",
    mockRun(async (cx) => {
      const limiter = new CapacityLimiter(1);
      const job = { id: 7 };
      await limiter.acquire(cx);
      await withNursery(cx, async (n) => {
        n.start(async (cx) => {
          await limiter.acquireOnBehalfOf(cx, job);
          expect(limiter.statistics().borrowers).toEqual([job]);
          expect(limiter.statistics().borrowers).not.toContain(cx);
        });
        await waitAllTasksBlocked(cx);
        limiter.release(cx);
      });
      expect(limiter.statistics().borrowers).toEqual([job]);
      limiter.releaseOnBehalfOf(job);
    }),
  );

  test(
    "a value that is not a cx is rejected with a UsageError",
    mockRun(async () => {
      const limiter = new CapacityLimiter(1);
      await expect(limiter.acquire({} as Cx)).rejects.toThrow(/capacityLimiter\.acquire: expected the cx/);
      expect(limiter.borrowedTokens).toBe(0);
    }),
  );
});

describe("CapacityLimiter misuse", () => {
  test(
    "a borrower acquiring a second token is a UsageError; it still holds exactly one",
    mockRun(async (cx) => {
      const limiter = new CapacityLimiter(5);
      await limiter.acquire(cx);
      await expect(limiter.acquire(cx)).rejects.toThrow(UsageError);
      await expect(limiter.acquire(cx)).rejects.toThrow(
        "capacityLimiter.acquire: this borrower already holds a token; each borrower holds at most one",
      );
      expect(() => limiter.acquireNowait(cx)).toThrow(
        "capacityLimiter.acquireNowait: this borrower already holds a token; each borrower holds at most one",
      );
      const job = {};
      await limiter.acquireOnBehalfOf(cx, job);
      await expect(limiter.acquireOnBehalfOf(cx, job)).rejects.toThrow(/already holds a token/);
      expect(() => limiter.acquireOnBehalfOfNowait(job)).toThrow(/already holds a token/);
      expect(limiter.borrowedTokens).toBe(2);
      limiter.release(cx);
      limiter.releaseOnBehalfOf(job);
      expect(limiter.borrowedTokens).toBe(0);
    }),
  );

  test(
    "releasing without holding a token is a UsageError",
    mockRun(async (cx) => {
      const limiter = new CapacityLimiter(1);
      expect(() => limiter.release(cx)).toThrow(UsageError);
      expect(() => limiter.release(cx)).toThrow(
        "capacityLimiter.release: this borrower holds no token; release once per acquire",
      );
      expect(() => limiter.releaseOnBehalfOf({})).toThrow(/holds no token/);
      await limiter.acquire(cx);
      limiter.release(cx);
      expect(() => limiter.release(cx)).toThrow(/holds no token/);
      expect(limiter.borrowedTokens).toBe(0);
    }),
  );

  test(
    "a task releasing a token another task borrowed is a UsageError; the token stays borrowed",
    mockRun(async (cx) => {
      const limiter = new CapacityLimiter(1);
      await limiter.acquire(cx);
      const caught = await thrownInAnotherTask(cx, (cx) => limiter.release(cx));
      expect(caught).toBeInstanceOf(UsageError);
      expect(limiter.statistics().borrowers).toEqual([cx]);
      limiter.release(cx);
    }),
  );

  test(
    "setting totalTokens to a bad value is a UsageError and keeps the old total",
    mockRun(async () => {
      const limiter = new CapacityLimiter(2);
      expect(() => {
        limiter.totalTokens = 0;
      }).toThrow("capacityLimiter.totalTokens must be a whole number >= 1 or Infinity, got 0");
      expect(() => {
        limiter.totalTokens = 1.5;
      }).toThrow(UsageError);
      expect(limiter.totalTokens).toBe(2);
    }),
  );
});

describe("CapacityLimiter.acquireNowait", () => {
  test(
    "takes a free token, else throws WouldBlock without queueing",
    mockRun(async (cx) => {
      const limiter = new CapacityLimiter(1);
      limiter.acquireNowait(cx);
      expect(limiter.statistics().borrowers).toEqual([cx]);
      expect(() => limiter.acquireOnBehalfOfNowait("other")).toThrow(WouldBlock);
      expect(() => limiter.acquireOnBehalfOfNowait("other")).toThrow(
        "capacityLimiter.acquireNowait: no token is free; use acquire(cx) to wait for one",
      );
      expect(limiter.statistics().tasksWaiting).toBe(0);
      limiter.release(cx);
      limiter.acquireOnBehalfOfNowait("other");
      expect(limiter.statistics().borrowers).toEqual(["other"]);
      limiter.releaseOnBehalfOf("other");
    }),
  );
});

describe("changing totalTokens", () => {
  test(
    "raising it wakes waiters at once, oldest first, as many as the new tokens allow",
    mockRun(async (cx) => {
      const limiter = new CapacityLimiter(1);
      const order: string[] = [];
      await limiter.acquire(cx);
      await withNursery(cx, async (n) => {
        for (const name of ["a", "b", "c"]) {
          n.start(async (cx) => {
            await limiter.acquire(cx);
            order.push(`${name}@${cx.now()}`);
            await sleep(cx, 10);
            limiter.release(cx);
          });
          await waitAllTasksBlocked(cx);
        }
        expect(limiter.statistics().tasksWaiting).toBe(3);
        limiter.totalTokens = 3;
        // Synchronously: two waiters now hold tokens, one is still waiting.
        expect(limiter.borrowedTokens).toBe(3);
        expect(limiter.availableTokens).toBe(0);
        expect(limiter.statistics().tasksWaiting).toBe(1);
        await waitAllTasksBlocked(cx);
        expect(order).toEqual(["a@0", "b@0"]);
        limiter.release(cx);
      });
      expect(order).toEqual(["a@0", "b@0", "c@0"]);
    }),
  );

  test(
    "lowering it takes effect as tokens come back: nobody is admitted until borrowers drop below the new total",
    mockRun(async (cx) => {
      const limiter = new CapacityLimiter(3);
      const borrowers = [{ n: 1 }, { n: 2 }, { n: 3 }] as const;
      for (const borrower of borrowers) await limiter.acquireOnBehalfOf(cx, borrower);
      let admittedAt = -1;
      await withNursery(cx, async (n) => {
        n.start(async (cx) => {
          await limiter.acquire(cx);
          admittedAt = cx.now();
          limiter.release(cx);
        });
        await waitAllTasksBlocked(cx);
        limiter.totalTokens = 1;
        expect(limiter.totalTokens).toBe(1);
        expect(limiter.borrowedTokens).toBe(3);
        expect(limiter.availableTokens).toBe(0);

        await sleep(cx, 10);
        limiter.releaseOnBehalfOf(borrowers[0]);
        expect(limiter.borrowedTokens).toBe(2);
        expect(limiter.availableTokens).toBe(0);
        expect(limiter.statistics().tasksWaiting).toBe(1);

        await sleep(cx, 10);
        limiter.releaseOnBehalfOf(borrowers[1]);
        expect(limiter.borrowedTokens).toBe(1);
        expect(limiter.statistics().tasksWaiting).toBe(1);
        expect(() => limiter.acquireNowait(cx)).toThrow(WouldBlock);

        await sleep(cx, 10);
        limiter.releaseOnBehalfOf(borrowers[2]);
        expect(limiter.statistics().tasksWaiting).toBe(0);
        expect(limiter.borrowedTokens).toBe(1);
      });
      expect(admittedAt).toBe(30);
      expect(limiter.borrowedTokens).toBe(0);
      expect(limiter.availableTokens).toBe(1);
    }),
  );

  test(
    "raising it to Infinity admits every waiter",
    mockRun(async (cx) => {
      const limiter = new CapacityLimiter(1);
      let admitted = 0;
      await limiter.acquire(cx);
      await withNursery(cx, async (n) => {
        for (let i = 0; i < 4; i++) {
          n.start(async (cx) => {
            await limiter.acquire(cx);
            admitted++;
            limiter.release(cx);
          });
        }
        await waitAllTasksBlocked(cx);
        limiter.totalTokens = Infinity;
        expect(limiter.statistics().tasksWaiting).toBe(0);
        expect(limiter.borrowedTokens).toBe(5);
      });
      expect(admitted).toBe(4);
      limiter.release(cx);
    }),
  );
});

describe("CapacityLimiter and cancellation", () => {
  test(
    "acquire is a checkpoint: in a cancelled scope it throws Cancelled even with tokens free, and borrows nothing",
    mockRun(async (cx) => {
      const limiter = new CapacityLimiter(2);
      await withCancelScope(cx, async (cx, scope) => {
        scope.cancel();
        await expect(limiter.acquire(cx)).rejects.toBeInstanceOf(Cancelled);
        await expect(limiter.acquireOnBehalfOf(cx, "job")).rejects.toBeInstanceOf(Cancelled);
      });
      expect(limiter.statistics()).toEqual({ borrowedTokens: 0, totalTokens: 2, borrowers: [], tasksWaiting: 0 });
    }),
  );

  test(
    "a waiting acquire that is cancelled borrows nothing and leaves no waiter; the next release keeps the token free",
    mockRun(async (cx, clock) => {
      const limiter = new CapacityLimiter(1);
      const job = { id: "late" };
      let seen: unknown;
      await withNursery(cx, async (n) => {
        n.start(async (cx) => {
          await limiter.acquire(cx);
          await sleep(cx, 20);
          limiter.release(cx);
        });
        await waitAllTasksBlocked(cx);
        await moveOnAfter(cx, 10, async (cx) => {
          try {
            await limiter.acquireOnBehalfOf(cx, job);
          } catch (e) {
            seen = e;
            throw e;
          }
        });
        expect(clock.now()).toBe(10);
        expect(limiter.statistics().tasksWaiting).toBe(0);
        expect(limiter.statistics().borrowers).not.toContain(job);
      });
      expect(seen).toBeInstanceOf(Cancelled);
      expect(limiter.statistics()).toEqual({ borrowedTokens: 0, totalTokens: 1, borrowers: [], tasksWaiting: 0 });
    }),
  );

  test(
    "release is synchronous and not a checkpoint: it works inside a cancelled scope",
    mockRun(async (cx) => {
      const limiter = new CapacityLimiter(1);
      await limiter.acquire(cx);
      await withCancelScope(cx, (cx, scope) => {
        scope.cancel();
        expect(limiter.release(cx)).toBeUndefined();
        expect(limiter.borrowedTokens).toBe(0);
      });
    }),
  );
});

describe("CapacityLimiter on-behalf-of forms", () => {
  test(
    "releaseOnBehalfOf and acquireOnBehalfOfNowait also take (cx, borrower)",
    mockRun(async (cx) => {
      const limiter = new CapacityLimiter(1);
      const job = { id: "job-1" };
      limiter.acquireOnBehalfOfNowait(cx, job);
      expect(limiter.statistics().borrowers).toEqual([job]);
      limiter.releaseOnBehalfOf(cx, job);
      expect(limiter.borrowedTokens).toBe(0);
      limiter.acquireOnBehalfOfNowait(job);
      expect(() => limiter.releaseOnBehalfOf(cx, { id: "other" })).toThrow(/holds no token/);
      limiter.releaseOnBehalfOf(job);
      expect(limiter.availableTokens).toBe(1);
    }),
  );
});
