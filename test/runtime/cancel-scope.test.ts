import { describe, expect, test } from "vitest";
import {
  Cancelled,
  UsageError,
  checkpoint,
  isCancelled,
  run,
  shield,
  sleep,
  sleepForever,
  withCancelScope,
  withNursery,
} from "corral";
import { MockClock, mockRun, waitAllTasksBlocked } from "corral/testing";

describe("Cancelled is absorbed only by the scope that raised it", () => {
  test(
    "an outer scope goes on normally",
    mockRun(async (cx) => {
      const log: string[] = [];
      const outer = await withCancelScope(cx, async (cx, outerScope) => {
        const inner = await withCancelScope(cx, async (cx, scope) => {
          scope.cancel("inner only");
          await checkpoint(cx);
          return "unreachable";
        });
        log.push(`inner gave ${String(inner)}`);
        await checkpoint(cx); // the outer scope is not cancelled
        expect(outerScope.cancelledCaught).toBe(false);
        return "outer finished";
      });
      expect(outer).toBe("outer finished");
      expect(log).toEqual(["inner gave undefined"]);
    }),
  );

  test(
    "when the outer scope is cancelled too, the inner one lets it through and the outer absorbs it",
    mockRun(async (cx) => {
      let innerScope: { cancelledCaught: boolean } | undefined;
      const outer = await withCancelScope(cx, async (cx, outerScope) => {
        await withCancelScope(cx, async (cx, scope) => {
          innerScope = scope;
          scope.cancel();
          outerScope.cancel();
          await checkpoint(cx);
        });
        return "unreachable";
      });
      expect(outer).toBeUndefined();
      expect(innerScope!.cancelledCaught).toBe(false);
    }),
  );

  test(
    "a Cancelled rethrown outside its scope is not absorbed by an uncancelled scope",
    mockRun(async (cx) => {
      let stale: unknown;
      await withCancelScope(cx, async (cx, scope) => {
        scope.cancel();
        stale = await checkpoint(cx).catch((e: unknown) => e);
      });
      await expect(
        withCancelScope(cx, () => {
          throw stale;
        }),
      ).rejects.toBe(stale);
    }),
  );

  test(
    "the Cancelled carries source and reason",
    mockRun(async (cx) => {
      await withCancelScope(cx, async (cx, scope) => {
        scope.cancel("user pressed stop");
        const error = await checkpoint(cx).catch((e: unknown) => e);
        expect(error).toBeInstanceOf(Cancelled);
        expect(error).toMatchObject({ source: "explicit", reason: "user pressed stop", code: "CORRAL_CANCELLED" });
        expect(isCancelled(error)).toBe(true);
        expect(isCancelled(new Error("no"))).toBe(false);
      });
    }),
  );
});

describe("level-triggered cancellation", () => {
  test(
    "after a catch swallows Cancelled, the next checkpoint in that scope throws again",
    mockRun(async (cx) => {
      const attempts: string[] = [];
      const result = await withCancelScope(cx, async (cx, scope) => {
        scope.cancel();
        for (let i = 0; i < 3; i++) {
          try {
            await sleep(cx, 10);
            attempts.push("slept");
          } catch (e) {
            attempts.push(isCancelled(e) ? "cancelled" : "other");
          }
        }
        await checkpoint(cx);
        return "unreachable";
      });
      expect(attempts).toEqual(["cancelled", "cancelled", "cancelled"]);
      expect(result).toBeUndefined();
    }),
  );

  test(
    "a newly entered scope inside a cancelled one is cancelled at once",
    mockRun(async (cx) => {
      await withCancelScope(cx, async (cx, scope) => {
        scope.cancel();
        await expect(withCancelScope(cx, (cx) => checkpoint(cx))).rejects.toBeInstanceOf(Cancelled);
        expect(cx.cancelled).toBe(true);
      });
      expect(cx.cancelled).toBe(false);
    }),
  );
});

describe("shield", () => {
  test(
    "blocks outer cancellation",
    mockRun(async (cx) => {
      const log: string[] = [];
      await withCancelScope(cx, async (cx, outer) => {
        outer.cancel();
        await shield(cx, async (cx) => {
          expect(cx.cancelled).toBe(false);
          await sleep(cx, 50);
          log.push("shielded work finished");
        });
        expect(cx.cancelled).toBe(true);
        await checkpoint(cx);
        log.push("unreachable");
      });
      expect(log).toEqual(["shielded work finished"]);
    }),
  );

  test(
    "a shielded scope's own deadline still applies",
    mockRun(async (cx, clock) => {
      await withCancelScope(cx, async (cx, outer) => {
        outer.cancel();
        const result = await withCancelScope(cx, { shield: true, timeout: 20 }, async (cx) => {
          await sleep(cx, 1_000);
          return "slept";
        });
        expect(result).toBeUndefined();
        expect(clock.now()).toBe(20);
      });
    }),
  );

  test(
    "turning the shield off lets a pending outer cancellation in; turning it on gives a fresh signal",
    mockRun(async (cx) => {
      await withCancelScope(cx, async (cx, outer) => {
        await withNursery(cx, async (n) => {
          let inner: { shield: boolean } | undefined;
          n.start(async (cx) => {
            await withCancelScope(cx, { shield: true }, async (cx, scope) => {
              inner = scope;
              await sleepForever(cx);
            });
          });
          await waitAllTasksBlocked(cx);
          outer.cancel();
          await shield(cx, async (cx) => {
            await waitAllTasksBlocked(cx); // the child is still asleep under its shield
            expect(inner).toBeDefined();
            inner!.shield = false; // now it is cancelled
          });
        });
      });
    }),
  );
});

describe("cancelling and moving deadlines", () => {
  test(
    "cancel before the first checkpoint takes effect at the first checkpoint",
    mockRun(async (cx) => {
      const log: string[] = [];
      await withCancelScope(cx, async (cx, scope) => {
        scope.cancel();
        log.push("code before the first checkpoint still runs");
        await checkpoint(cx);
        log.push("unreachable");
      });
      expect(log).toEqual(["code before the first checkpoint still runs"]);
    }),
  );

  test(
    "a deadline moved later while running takes effect",
    mockRun(async (cx, clock) => {
      await withCancelScope(cx, { timeout: 10 }, async (cx, scope) => {
        await sleep(cx, 5);
        scope.deadline = cx.now() + 100;
        await sleep(cx, 50);
        expect(clock.now()).toBe(55);
        await sleepForever(cx);
      });
      expect(clock.now()).toBe(105);
    }),
  );

  test(
    "a deadline moved earlier while a task sleeps wakes it",
    mockRun(async (cx, clock) => {
      await withCancelScope(cx, async (cx, scope) => {
        await withNursery(cx, async (n) => {
          n.start(async (cx) => {
            await sleep(cx, 5);
            scope.deadline = cx.now() + 10;
          });
          await sleep(cx, 1_000);
        });
      });
      expect(clock.now()).toBe(15);
    }),
  );

  test(
    "a deadline set in the past cancels at once",
    mockRun(async (cx) => {
      const result = await withCancelScope(cx, async (cx, scope) => {
        scope.deadline = cx.now() - 1;
        expect(scope.cancelCalled).toBe(true);
        await checkpoint(cx);
      });
      expect(result).toBeUndefined();
    }),
  );

  test(
    "a scope whose deadline passed reports source 'deadline'",
    mockRun(async (cx) => {
      await withCancelScope(cx, { timeout: 5 }, async (cx) => {
        const error = await sleepForever(cx).catch((e: unknown) => e);
        expect(error).toMatchObject({ source: "deadline" });
      });
    }),
  );

  test(
    "cx.deadline is the earliest deadline up to the nearest shield, -Infinity once cancelled",
    mockRun(async (cx) => {
      expect(cx.deadline).toBe(Infinity);
      await withCancelScope(cx, { deadline: 100 }, async (cx) => {
        await withCancelScope(cx, { deadline: 200 }, async (cx) => {
          expect(cx.deadline).toBe(100);
          await withCancelScope(cx, { shield: true, deadline: 300 }, async (cx) => {
            expect(cx.deadline).toBe(300);
          });
        });
      });
      await withCancelScope(cx, async (cx, scope) => {
        scope.cancel();
        expect(cx.deadline).toBe(-Infinity);
      });
    }),
  );
});

describe("misuse", () => {
  test(
    "timeout and deadline together",
    mockRun(async (cx) => {
      await expect(withCancelScope(cx, { timeout: 1, deadline: 2 }, async () => {})).rejects.toThrow(
        /either timeout or deadline/,
      );
    }),
  );

  test(
    "negative or NaN timeouts say what is expected",
    mockRun(async (cx) => {
      await expect(withCancelScope(cx, { timeout: -5 }, async () => {})).rejects.toThrow(
        "withCancelScope was given -5 ms as its timeout; expected a number of milliseconds >= 0",
      );
      await expect(withCancelScope(cx, { deadline: Number.NaN }, async () => {})).rejects.toThrow(UsageError);
    }),
  );

  test("two scope bodies running concurrently on one cx are reported to both calls", async () => {
    const settled: PromiseSettledResult<unknown>[] = [];
    await run(
      async (cx) => {
        const a = withCancelScope(cx, async (cx) => {
          await Promise.resolve();
          await sleep(cx, 10);
        });
        const b = withCancelScope(cx, (cx) => sleep(cx, 20));
        settled.push(...(await Promise.allSettled([a, b])));
      },
      { clock: new MockClock({ autojump: true }) },
    );
    expect(settled.map((result) => result.status)).toEqual(["rejected", "rejected"]);
    for (const result of settled) {
      expect((result as PromiseRejectedResult).reason).toBeInstanceOf(UsageError);
    }
    expect(String((settled[0] as PromiseRejectedResult).reason)).toMatch(/still waiting|one thing at a time/);
  });

  test(
    "a deadline that is not a number",
    mockRun(async (cx) => {
      await withCancelScope(cx, async (_cx, scope) => {
        expect(() => {
          scope.deadline = Number.NaN;
        }).toThrow(/scope.deadline must be a time/);
      });
    }),
  );
});
