import { describe, expect, expectTypeOf, test } from "vitest";
import {
  BrokenResourceError,
  Cancelled,
  MultiError,
  UsageError,
  failAfter,
  sleep,
  sleepForever,
  withNursery,
  type Child,
  type Cx,
} from "corral";
import { mockRun, waitAllTasksBlocked } from "corral/testing";

class Boom extends Error {}

async function loadUser(cx: Cx, id: string): Promise<{ id: string; name: string }> {
  await sleep(cx, 20);
  return { id, name: "Ada" };
}

async function loadOrders(cx: Cx, id: string, limit: number): Promise<string[]> {
  await sleep(cx, 30);
  return [`${id}-1`, `${id}-2`].slice(0, limit);
}

describe("nursery.startWithResult", () => {
  test(
    "result(cx) waits for the child and gives its value, typed: no variable and closure to carry it out",
    mockRun(async (cx, clock) => {
      const dashboard = await failAfter(cx, 1_000, (cx) =>
        withNursery(cx, async (n) => {
          const user = n.startWithResult(loadUser, "42");
          const orders = n.startWithResult(loadOrders, "42", 1);
          expectTypeOf(user).toEqualTypeOf<Child<{ id: string; name: string }>>();
          return { user: await user.result(cx), orders: await orders.result(cx) };
        }),
      );
      expectTypeOf(dashboard).toEqualTypeOf<{ user: { id: string; name: string }; orders: string[] }>();
      expect(dashboard).toEqual({ user: { id: "42", name: "Ada" }, orders: ["42-1"] });
      expect(clock.now()).toBe(30); // the two ran concurrently
    }),
  );

  test(
    "after the child returned, result(cx) gives the value at once, also outside the nursery",
    mockRun(async (cx, clock) => {
      let user: Child<{ name: string }> | undefined;
      await withNursery(cx, (n) => void (user = n.startWithResult(loadUser, "7")));
      expect(clock.now()).toBe(20);
      expect(await user!.result(cx)).toEqual({ id: "7", name: "Ada" });
      expect(clock.now()).toBe(20);
    }),
  );

  test(
    "a failing child fails its nursery with its own error, once; a sibling waiting on its result is cancelled",
    mockRun(async (cx) => {
      const boom = new Boom();
      let waiterSaw: unknown;
      const error = await withNursery(cx, (n) => {
        const failing = n.startWithResult(async (cx) => {
          await sleep(cx, 5);
          throw boom;
        });
        n.start(async (cx) => {
          try {
            await failing.result(cx);
          } catch (e) {
            waiterSaw = e;
            throw e;
          }
        });
      }).catch((e: unknown) => e);
      expect(error).toBe(boom);
      expect(MultiError.suppressed(error)).toEqual([]);
      expect(waiterSaw).toBeInstanceOf(Cancelled);
    }),
  );

  test(
    "a child that ended without a value: result(cx) from outside its nursery throws BrokenResourceError",
    mockRun(async (cx) => {
      let stopped: Child<never> | undefined;
      await withNursery(cx, async (outer) => {
        outer.start(async (cx) => {
          await withNursery(cx, async (inner) => {
            stopped = inner.startWithResult(sleepForever);
            await waitAllTasksBlocked(cx);
            inner.cancelScope.cancel();
          });
        });
        await waitAllTasksBlocked(cx);
        const error = await stopped!.result(cx).catch((e: unknown) => e);
        expect(error).toBeInstanceOf(BrokenResourceError);
        expect((error as Error).message).toMatch(/ended without a value \(it failed or was cancelled\)/);
      });
      const afterwards = await stopped!.result(cx).catch((e: unknown) => e);
      expect(afterwards).toBeInstanceOf(BrokenResourceError);
    }),
  );

  test(
    "result(cx) is a checkpoint: a cancelled waiter gets Cancelled even when the value is there",
    mockRun(async (cx) => {
      const outcome = await withNursery(cx, async (n): Promise<string | undefined> => {
        const quick = n.startWithResult(() => "ready");
        await waitAllTasksBlocked(cx);
        n.cancelScope.cancel();
        return quick.result(cx);
      });
      expect(outcome).toBeUndefined();
    }),
  );

  test(
    "a closed nursery takes no new tasks: UsageError",
    mockRun(async (cx) => {
      let escaped: { startWithResult(fn: (cx: Cx) => number): Child<number> } | undefined;
      await withNursery(cx, (n) => void (escaped = n));
      expect(() => escaped!.startWithResult(() => 1)).toThrow(UsageError);
      expect(() => escaped!.startWithResult(() => 1)).toThrow(/nursery\.startWithResult: this nursery has closed/);
    }),
  );
});
