import { describe, expect, expectTypeOf, test } from "vitest";
import { TooSlowError, checkpoint, failAfter, failAt, moveOnAfter, moveOnAt, shield, sleep, withCancelScope } from "corral";
import { mockRun } from "corral/testing";

describe("moveOnAfter / moveOnAt", () => {
  test(
    "on timeout: resolves undefined and sets cancelledCaught",
    mockRun(async (cx, clock) => {
      let seen: { cancelledCaught: boolean } | undefined;
      const result = await moveOnAfter(cx, 100, async (cx, scope) => {
        seen = scope;
        await sleep(cx, 1_000);
        return "done";
      });
      expectTypeOf(result).toEqualTypeOf<string | undefined>();
      expect(result).toBeUndefined();
      expect(clock.now()).toBe(100);
      expect(seen!.cancelledCaught).toBe(true);
    }),
  );

  test(
    "without timeout: the body's value, cancelledCaught false",
    mockRun(async (cx) => {
      let scopeSeen: { cancelledCaught: boolean; cancelCalled: boolean } | undefined;
      const result = await moveOnAfter(cx, 100, async (cx, scope) => {
        scopeSeen = scope;
        await sleep(cx, 10);
        return 42;
      });
      expect(result).toBe(42);
      expect(scopeSeen).toMatchObject({ cancelledCaught: false, cancelCalled: false });
    }),
  );

  test(
    "moveOnAt uses an absolute deadline",
    mockRun(async (cx, clock) => {
      await sleep(cx, 10);
      expect(await moveOnAt(cx, 25, (cx) => sleep(cx, 100))).toBeUndefined();
      expect(clock.now()).toBe(25);
    }),
  );

  test(
    "moveOnAfter(cx, 0) cancels at the first checkpoint",
    mockRun(async (cx) => {
      const log: string[] = [];
      await moveOnAfter(cx, 0, async (cx) => {
        log.push("ran");
        await checkpoint(cx);
        log.push("unreachable");
      });
      expect(log).toEqual(["ran"]);
    }),
  );
});

describe("failAfter / failAt", () => {
  test(
    "throws TooSlowError whose stack points at the caller",
    mockRun(async (cx) => {
      async function loadReport(): Promise<unknown> {
        return failAfter(cx, 50, (cx) => sleep(cx, 1_000));
      }
      const error = await loadReport().catch((e: unknown) => e);
      expect(error).toBeInstanceOf(TooSlowError);
      expect((error as TooSlowError).code).toBe("CORRAL_TOO_SLOW");
      expect((error as Error).message).toMatch(/failAfter\(cx, 50, \.\.\.\) timed out/);
      const frames = (error as Error).stack!.split("\n").slice(1);
      expect(frames[0]).toMatch(/loadReport/);
      expect(frames[0]).toMatch(/timeouts\.test\.ts/);
    }),
  );

  test(
    "returns the value when in time",
    mockRun(async (cx) => {
      expect(await failAfter(cx, 50, async (cx) => (await sleep(cx, 49), "ok"))).toBe("ok");
    }),
  );

  test(
    "failAt with an absolute deadline",
    mockRun(async (cx) => {
      await expect(failAt(cx, 5, (cx) => sleep(cx, 10))).rejects.toBeInstanceOf(TooSlowError);
    }),
  );

  test(
    "an outer timeout is not reported as the inner one's TooSlowError",
    mockRun(async (cx) => {
      const outer = await moveOnAfter(cx, 10, async (cx) => {
        await failAfter(cx, 1_000, (cx) => sleep(cx, 5_000));
        return "unreachable";
      });
      expect(outer).toBeUndefined();
    }),
  );

  test(
    "a bad duration is a UsageError that says what is expected",
    mockRun(async (cx) => {
      await expect(failAfter(cx, -1, async () => {})).rejects.toThrow(/failAfter was given -1 ms as its timeout/);
      await expect(moveOnAfter(cx, Number.NaN, async () => {})).rejects.toThrow(/moveOnAfter was given NaN ms/);
      await expect(moveOnAfter(cx, 1, "body" as never)).rejects.toThrow(/body must be a function/);
    }),
  );
});

describe("shield", () => {
  test(
    "cleanup under a shield completes while the outer scope is cancelled",
    mockRun(async (cx, clock) => {
      const log: string[] = [];
      await moveOnAfter(cx, 10, async (cx) => {
        try {
          await sleep(cx, 1_000);
        } finally {
          await shield(cx, async (cx) => {
            await sleep(cx, 30);
            log.push(`cleanup done at ${cx.now()}`);
          });
        }
      });
      expect(log).toEqual(["cleanup done at 40"]);
      expect(clock.now()).toBe(40);
    }),
  );

  test(
    "resolves to the body's value, typed exactly, while the scope outside is cancelled",
    mockRun(async (cx) => {
      const written = await withCancelScope(cx, async (cx, outer) => {
        outer.cancel();
        return shield(cx, async (cx) => {
          await sleep(cx, 5);
          return "final record";
        });
      });
      expectTypeOf(written).toEqualTypeOf<string | undefined>(); // withCancelScope's own undefined, not shield's
      expect(written).toBe("final record");
      const closed = shield(cx, () => 1);
      expectTypeOf(closed).toEqualTypeOf<Promise<number>>();
      expect(await closed).toBe(1);
    }),
  );

  test(
    "a shield's signal does not abort when the outer one does",
    mockRun(async (cx) => {
      await withCancelScope(cx, async (cx, outer) => {
        const outerSignal = cx.signal;
        await shield(cx, async (cx) => {
          const inner = cx.signal;
          outer.cancel();
          expect(outerSignal.aborted).toBe(true);
          expect(inner.aborted).toBe(false);
        });
      });
    }),
  );
});

describe("failAfter / failAt with { error }", () => {
  test(
    "on timeout: cancels the body and throws the error the option makes, made at the deadline",
    mockRun(async (cx, clock) => {
      let cancelled = false;
      const made: number[] = [];
      const error = await failAfter(
        cx,
        50,
        async (cx) => {
          try {
            await sleep(cx, 1_000);
          } finally {
            cancelled = true;
          }
        },
        { error: () => (made.push(clock.now()), new RangeError("timed out")) },
      ).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(RangeError);
      expect((error as Error).message).toBe("timed out");
      expect(made).toEqual([50]);
      expect(cancelled).toBe(true);
    }),
  );

  test(
    "in time: the body's value, and the option is never called",
    mockRun(async (cx) => {
      const value = await failAt(cx, 100, async (cx) => (await sleep(cx, 10), "ok"), {
        error: () => {
          throw new Error("never");
        },
      });
      expect(value).toBe("ok");
    }),
  );

  test(
    "refuses an error option that is not a function",
    mockRun(async (cx) => {
      await expect(failAfter(cx, 10, () => 1, { error: new Error("x") as never })).rejects.toThrow(/options.error must be a function/);
    }),
  );
});

