// lock.withLock / hold, capacityLimiter.run / hold and semaphore.run / hold: one contract
// (runtime/internal/run-held.ts), three doors.
import { describe, expect, expectTypeOf, test } from "vitest";
import {
  Cancelled,
  CapacityLimiter,
  Lock,
  Semaphore,
  UsageError,
  moveOnAfter,
  sleep,
  withNursery,
  type Cx,
  type Held,
} from "corral";
import { mockRun, waitAllTasksBlocked } from "corral/testing";
import { disposeKey } from "../../runtime/internal/dispose-symbol.ts";

class Boom extends Error {}

type Run = <T, A extends unknown[]>(cx: Cx, fn: (cx: Cx, ...args: A) => Promise<T> | T, ...args: A) => Promise<T>;

interface Primitive {
  /** The helper under test, bound to a fresh primitive that lets `width` holders in at once. */
  run: Run;
  /** The `using` form of the same primitive. */
  hold(cx: Cx): Promise<Held>;
  /** How many hold it now. */
  holders(): number;
  /** How many wait for it. */
  waiting(): number;
  width: number;
}

const primitives: [string, () => Primitive][] = [
  [
    "lock.withLock",
    () => {
      const lock = new Lock();
      return {
        run: (cx, fn, ...args) => lock.withLock(cx, fn, ...args),
        hold: (cx) => lock.hold(cx),
        holders: () => (lock.locked() ? 1 : 0),
        waiting: () => lock.statistics().tasksWaiting,
        width: 1,
      };
    },
  ],
  [
    "capacityLimiter.run",
    () => {
      const limiter = new CapacityLimiter(2);
      return {
        run: (cx, fn, ...args) => limiter.run(cx, fn, ...args),
        hold: (cx) => limiter.hold(cx),
        holders: () => limiter.borrowedTokens,
        waiting: () => limiter.statistics().tasksWaiting,
        width: 2,
      };
    },
  ],
  [
    "semaphore.run",
    () => {
      const semaphore = new Semaphore(2);
      return {
        run: (cx, fn, ...args) => semaphore.run(cx, fn, ...args),
        hold: (cx) => semaphore.hold(cx),
        holders: () => 2 - semaphore.value,
        waiting: () => semaphore.statistics().tasksWaiting,
        width: 2,
      };
    },
  ],
];

describe.each(primitives)("%s", (_name, make) => {
  test(
    "runs fn(cx, ...args) holding it, resolves to its value, and gives it back",
    mockRun(async (cx) => {
      const held = make();
      let during = -1;
      let seenCx: Cx | undefined;
      const sum = await held.run(
        cx,
        async (cx, a: number, b: number) => {
          seenCx = cx;
          during = held.holders();
          await sleep(cx, 5);
          return a + b;
        },
        2,
        3,
      );
      expectTypeOf(sum).toEqualTypeOf<number>();
      expect(sum).toBe(5);
      expect(seenCx).toBe(cx);
      expect(during).toBe(1);
      expect(held.holders()).toBe(0);
    }),
  );

  test(
    "lets at most its width of holders in at once; the others wait their turn, first come first served",
    mockRun(async (cx, clock) => {
      const held = make();
      const log: string[] = [];
      let most = 0;
      await withNursery(cx, (n) => {
        for (const id of ["a", "b", "c", "d"]) {
          n.start((cx) =>
            held.run(cx, async (cx) => {
              most = Math.max(most, held.holders());
              log.push(`${id} in at ${cx.now()}`);
              await sleep(cx, 10);
            }),
          );
        }
      });
      expect(most).toBe(held.width);
      expect(log).toEqual(
        held.width === 1
          ? ["a in at 0", "b in at 10", "c in at 20", "d in at 30"]
          : ["a in at 0", "b in at 0", "c in at 10", "d in at 10"],
      );
      expect(clock.now()).toBe(40 / held.width);
      expect(held.holders()).toBe(0);
    }),
  );

  test(
    "gives it back when fn throws, and rethrows the error unchanged",
    mockRun(async (cx) => {
      const held = make();
      const boom = new Boom();
      await expect(
        held.run(cx, async (cx) => {
          await sleep(cx, 1);
          throw boom;
        }),
      ).rejects.toBe(boom);
      await expect(
        held.run(cx, () => {
          throw boom;
        }),
      ).rejects.toBe(boom);
      expect(held.holders()).toBe(0);
    }),
  );

  test(
    "cancelled while waiting: fn never runs, nothing is given back that was not taken",
    mockRun(async (cx) => {
      const held = make();
      let ran = false;
      await withNursery(cx, async (n) => {
        for (let i = 0; i < held.width; i++) n.start((cx) => held.run(cx, (cx) => sleep(cx, 100)));
        await waitAllTasksBlocked(cx);
        const outcome = await moveOnAfter(cx, 10, (cx) => held.run(cx, () => (ran = true)));
        expect(outcome).toBeUndefined();
        expect(held.waiting()).toBe(0);
        expect(held.holders()).toBe(held.width);
      });
      expect(ran).toBe(false);
      expect(held.holders()).toBe(0);
    }),
  );

  test(
    "cancelled inside fn: gives it back and the scope absorbs the Cancelled",
    mockRun(async (cx) => {
      const held = make();
      let caught: unknown;
      await moveOnAfter(cx, 10, (cx) =>
        held.run(cx, async (cx) => {
          try {
            await sleep(cx, 100);
          } catch (error) {
            caught = error;
            throw error;
          }
        }),
      );
      expect(caught).toBeInstanceOf(Cancelled);
      expect(held.holders()).toBe(0);
    }),
  );

  test(
    "fn that is not a function: a UsageError that says so, and nothing is taken",
    mockRun(async (cx) => {
      const held = make();
      const error = await held.run(cx, "work" as never).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(UsageError);
      expect((error as Error).message).toMatch(
        /\(cx, fn, \.\.\.args\): fn must be a function run as fn\(cx, \.\.\.args\), got string/,
      );
      expect(held.holders()).toBe(0);
    }),
  );
});

describe.each(primitives)("%s: hold(cx) with using", (_name, make) => {
  test(
    "held until the end of the block, however it ends: falling off, return, continue, throw",
    mockRun(async (cx) => {
      const held = make();
      const during: number[] = [];
      {
        using _held = await held.hold(cx);
        during.push(held.holders());
      }
      expect(held.holders()).toBe(0);
      const early = async (): Promise<string> => {
        using _held = await held.hold(cx);
        during.push(held.holders());
        return "early";
      };
      expect(await early()).toBe("early");
      expect(held.holders()).toBe(0);
      for (const skip of [true, false]) {
        using _held = await held.hold(cx);
        during.push(held.holders());
        if (skip) continue;
      }
      expect(held.holders()).toBe(0);
      const boom = new Boom();
      const thrown = await (async () => {
        await using _held = await held.hold(cx); // await using takes a plain Disposable too
        during.push(held.holders());
        await sleep(cx, 1);
        throw boom;
      })().catch((e: unknown) => e);
      expect(thrown).toBe(boom);
      expect(held.holders()).toBe(0);
      expect(during).toEqual([1, 1, 1, 1, 1]);
    }),
  );

  test(
    "cancelled while waiting: Cancelled, nothing held; disposing twice releases once",
    mockRun(async (cx) => {
      const held = make();
      await withNursery(cx, async (n) => {
        for (let i = 0; i < held.width; i++) {
          n.start(async (cx) => {
            using _held = await held.hold(cx);
            await sleep(cx, 100);
          });
        }
        await waitAllTasksBlocked(cx);
        const outcome = await moveOnAfter(cx, 10, async (cx) => {
          using _held = await held.hold(cx);
          return "got it";
        });
        expect(outcome).toBeUndefined();
        expect(held.waiting()).toBe(0);
        expect(held.holders()).toBe(held.width);
      });
      expect(held.holders()).toBe(0);
      const once = await held.hold(cx);
      once[Symbol.dispose]();
      once[Symbol.dispose]();
      expect(held.holders()).toBe(0);
      const again = await held.hold(cx); // a second dispose did not give back this one
      expect(held.holders()).toBe(1);
      once[Symbol.dispose]();
      expect(held.holders()).toBe(1);
      again[Symbol.dispose]();
      expect(held.holders()).toBe(0);
    }),
  );
});

test("the using key: Symbol.dispose where the platform has it, else the key polyfills install", () => {
  const own = Symbol("own");
  expect(disposeKey({ dispose: own })).toBe(own);
  expect(disposeKey({})).toBe(Symbol.for("Symbol.dispose"));
  expect(disposeKey()).toBe(Symbol.dispose);
});

test(
  "capacityLimiter.run inside capacityLimiter.run on one task is the usual UsageError: a borrower holds one token",
  mockRun(async (cx) => {
    const limiter = new CapacityLimiter(2);
    const error = await limiter.run(cx, (cx) => limiter.run(cx, () => 1)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UsageError);
    expect(limiter.borrowedTokens).toBe(0);
  }),
);
