import { describe, expect, expectTypeOf, test } from "vitest";
import {
  Cancelled,
  MultiError,
  UsageError,
  checkpoint,
  failAfter,
  isCancelled,
  run,
  shield,
  sleep,
  sleepForever,
  withNursery,
  type Cx,
} from "corral";
import { MockClock, mockRun, waitAllTasksBlocked } from "corral/testing";

class Boom extends Error {}

describe("withNursery waits", () => {
  test(
    "returns only after the body and every child finished, also when the body returns early",
    mockRun(async (cx, clock) => {
      const done: string[] = [];
      const result = await withNursery(cx, (n) => {
        n.start(async (cx) => {
          await sleep(cx, 30);
          done.push("slow");
        });
        n.start(async (cx) => {
          await sleep(cx, 10);
          done.push("fast");
        });
        return "body";
      });
      expect(result).toBe("body");
      expect(done).toEqual(["fast", "slow"]);
      expect(clock.now()).toBe(30);
    }),
  );

  test(
    "children may start more children while the nursery waits",
    mockRun(async (cx) => {
      const done: number[] = [];
      await withNursery(cx, async (n) => {
        n.start(async (cx) => {
          await sleep(cx, 5);
          n.start(async (cx) => {
            await sleep(cx, 5);
            done.push(2);
          });
          done.push(1);
        });
      });
      expect(done).toEqual([1, 2]);
    }),
  );

  test(
    "passes arguments after cx",
    mockRun(async (cx) => {
      const seen: unknown[] = [];
      await withNursery(cx, (n) => {
        n.start(async (_cx, a: number, b: string) => void seen.push(a, b), 1, "two");
      });
      expect(seen).toEqual([1, "two"]);
    }),
  );
});

describe("a failing child", () => {
  test(
    "cancels siblings and the body, runs their finally blocks (shielded async cleanup completes) and rethrows the first error unchanged",
    mockRun(async (cx, clock) => {
      const log: string[] = [];
      const boom = new Boom("child failed");
      const failure = withNursery(cx, async (n) => {
        n.start(async (cx) => {
          try {
            await sleepForever(cx);
          } finally {
            log.push("sibling finally");
            await shield(cx, async (cx) => {
              await sleep(cx, 100);
              log.push("sibling cleanup done");
            });
          }
        });
        n.start(async (cx) => {
          await sleep(cx, 10);
          throw boom;
        });
        try {
          await sleepForever(cx);
        } finally {
          log.push("body finally");
        }
      });
      await expect(failure).rejects.toBe(boom);
      expect(log).toEqual(["sibling finally", "body finally", "sibling cleanup done"]);
      expect(clock.now()).toBe(110);
    }),
  );

  test(
    "later failures are kept on the first (default mode)",
    mockRun(async (cx) => {
      const first = new Boom("first");
      const second = new Boom("second");
      const error = await withNursery(cx, (n) => {
        n.start(async () => {
          throw first;
        });
        n.start(async (cx) => {
          try {
            await sleepForever(cx);
          } finally {
            // eslint-disable-next-line no-unsafe-finally
            throw second;
          }
        });
      }).catch((e: unknown) => e);
      expect(error).toBe(first);
      expect(MultiError.suppressed(error)).toEqual([second]);
      expect((error as Error).stack).toContain("second");
    }),
  );

  test.each([
    ["a string", () => "text"],
    ["a number", () => 42],
    ["undefined", () => undefined],
    ["a frozen error", () => Object.freeze(new Boom("frozen"))],
    ["a sealed error", () => Object.seal(new Boom("sealed"))],
    ["a non-extensible error", () => Object.preventExtensions(new Boom("fixed"))],
  ])("no failure is lost when the first is %s, in either mode", async (_what, makeFirst) => {
    for (const strict of [false, true]) {
      const first = makeFirst();
      const second = new Boom("second");
      const error = await run(
        (cx) =>
          withNursery(cx, (n) => {
            n.start(async () => {
              throw first;
            });
            n.start(async (cx) => {
              try {
                await sleepForever(cx);
              } finally {
                // eslint-disable-next-line no-unsafe-finally
                throw second;
              }
            });
          }),
        { strict, clock: new MockClock() },
      ).catch((e: unknown) => e);
      // The first cannot carry the others, so both modes throw a MultiError holding every failure, first first.
      expect(error).toBeInstanceOf(MultiError);
      expect((error as MultiError).errors).toEqual([first, second]);
    }
  });

  test("a run with strict: true throws a MultiError holding every failure, first first", async () => {
    const first = new Boom("first");
    const second = new Boom("second");
    const error = await run(
      (cx) =>
        withNursery(cx, (n) => {
          n.start(async () => {
            throw first;
          });
          n.start(async (cx) => {
            await checkpoint(cx).catch(() => {});
            throw second;
          });
        }),
      { strict: true, clock: new MockClock() },
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MultiError);
    expect(error).toBeInstanceOf(AggregateError);
    expect((error as MultiError).errors).toEqual([first, second]);
  });

  test(
    "the body's own failure cancels the children",
    mockRun(async (cx) => {
      const boom = new Boom();
      let childSaw: unknown;
      await expect(
        withNursery(cx, async (n) => {
          n.start(async (cx) => {
            try {
              await sleepForever(cx);
            } catch (e) {
              childSaw = e;
              throw e;
            }
          });
          await waitAllTasksBlocked(cx);
          throw boom;
        }),
      ).rejects.toBe(boom);
      expect(childSaw).toBeInstanceOf(Cancelled);
      expect((childSaw as Cancelled).source).toBe("nursery");
      expect((childSaw as Cancelled).reason).toBe(boom);
    }),
  );

  test(
    "a synchronous throw from a non-async child is a failure of that child",
    mockRun(async (cx) => {
      const boom = new Boom();
      await expect(
        withNursery(cx, (n) =>
          n.start(() => {
            throw boom;
          }),
        ),
      ).rejects.toBe(boom);
    }),
  );
});

describe("cancelling a nursery", () => {
  test(
    "n.cancelScope.cancel() stops body and children; the nursery absorbs it and resolves undefined",
    mockRun(async (cx) => {
      // A body that may be stopped by hand says so in its return type (see withNursery's TSDoc).
      const result = await withNursery(cx, async (n): Promise<string | undefined> => {
        n.start(sleepForever);
        await sleep(cx, 5);
        n.cancelScope.cancel();
        await sleepForever(cx);
        return "unreachable";
      });
      expect(result).toBeUndefined();
    }),
  );

  test(
    "outer cancellation propagates through the nursery to the children and is not absorbed there",
    mockRun(async (cx) => {
      const seen: unknown[] = [];
      const outcome = await withNursery(cx, async (outer) => {
        outer.start(async (cx) => {
          await withNursery(cx, (inner) => {
            inner.start(async (cx) => {
              await sleepForever(cx).catch((e: unknown) => {
                seen.push(e);
                throw e;
              });
            });
          });
          seen.push("inner nursery returned normally");
        });
        await waitAllTasksBlocked(cx);
        outer.cancelScope.cancel("stop");
      });
      expect(outcome).toBeUndefined();
      expect(seen).toHaveLength(1);
      expect(isCancelled(seen[0])).toBe(true);
    }),
  );
});

describe("the type of a nursery's result", () => {
  test(
    "is the body's own type: undefined only where the body's type says so",
    mockRun(async (cx) => {
      const parts = withNursery(cx, async (n) => {
        const found: Record<string, number> = {};
        n.start(async (cx) => void (found.a = await Promise.resolve(cx.now())));
        return found;
      });
      expectTypeOf(parts).toEqualTypeOf<Promise<Record<string, number>>>();
      expect(await parts).toEqual({ a: 0 });
      const count = withNursery(cx, () => 3);
      expectTypeOf(count).toEqualTypeOf<Promise<number>>();
      await count;
      const stoppable = withNursery(cx, async (n): Promise<number | undefined> => (n.cancelScope.cancel(), 1));
      expectTypeOf(stoppable).toEqualTypeOf<Promise<number | undefined>>();
      expect(await stoppable).toBe(1);
    }),
  );

  test(
    "inside failAfter the result is exact: a timeout throws instead of resolving undefined",
    mockRun(async (cx) => {
      const loaded = failAfter(cx, 1_000, (cx) => withNursery(cx, async () => ({ user: "ada" })));
      expectTypeOf(loaded).toEqualTypeOf<Promise<{ user: string }>>();
      expect((await loaded).user).toBe("ada");
    }),
  );
});

describe("misuse", () => {
  test(
    "starting a task in a closed nursery says what to do",
    mockRun(async (cx) => {
      let escaped: { start(fn: (cx: Cx) => unknown): void } | undefined;
      await withNursery(cx, (n) => {
        escaped = n;
      });
      expect(() => escaped!.start(async () => {})).toThrow(UsageError);
      expect(() => escaped!.start(async () => {})).toThrow(/closed.*Start the task from inside/);
    }),
  );

  test(
    "starting something that is not a function",
    mockRun(async (cx) => {
      await withNursery(cx, (n) => {
        expect(() => n.start("nope" as never)).toThrow(/expected a function/);
      });
    }),
  );

  test(
    "a child that returns without awaiting its sleep is reported",
    mockRun(async (cx) => {
      await expect(
        withNursery(cx, (n) =>
          n.start(async (cx) => {
            void sleep(cx, 10);
          }),
        ),
      ).rejects.toThrow(/still waiting/);
    }),
  );

  test(
    "a cx kept after its task finished is refused",
    mockRun(async (cx) => {
      let kept: Cx | undefined;
      await withNursery(cx, (n) =>
        n.start(async (child) => {
          kept = child;
        }),
      );
      await expect(sleep(kept!, 1)).rejects.toThrow(/already finished/);
      await expect(checkpoint(kept!)).rejects.toThrow(/already finished/);
      expect(() => kept!.signal).toThrow(/already finished/);
    }),
  );

  test("withNursery without a cx", async () => {
    await expect(withNursery(undefined as never, async () => {})).rejects.toThrow(
      /expected the cx your scoped function received/,
    );
  });
});
