import { describe, expect, test } from "vitest";
import { Cancelled, all, sleep, sleepForever, withCancelScope } from "corral";
import { mockRun } from "corral/testing";

class Boom extends Error {}

describe("all", () => {
  test(
    "results in order, whatever the finishing order",
    mockRun(async (cx) => {
      const [a, b, c] = await all(cx, [
        async (cx) => (await sleep(cx, 30), "a"),
        async (cx) => (await sleep(cx, 10), 2),
        () => true,
      ]);
      expect([a, b, c]).toEqual(["a", 2, true]);
    }),
  );

  test(
    "an empty list gives an empty array",
    mockRun(async (cx) => {
      expect(await all(cx, [])).toEqual([]);
    }),
  );

  test(
    "on the first failure, cancels and awaits the rest, then rethrows it unchanged",
    mockRun(async (cx, clock) => {
      const boom = new Boom();
      const log: string[] = [];
      const error = await all(cx, [
        async (cx) => {
          try {
            await sleepForever(cx);
          } catch (e) {
            log.push(e instanceof Cancelled ? "cancelled" : "other");
            await withCancelScope(cx, { shield: true }, (cx) => sleep(cx, 20));
            log.push("cleanup finished");
            throw e;
          }
        },
        async (cx) => {
          await sleep(cx, 5);
          throw boom;
        },
      ]).catch((e: unknown) => e);
      expect(error).toBe(boom);
      expect(log).toEqual(["cancelled", "cleanup finished"]);
      expect(clock.now()).toBe(25);
    }),
  );

  test(
    "refuses non-functions with a hint",
    mockRun(async (cx) => {
      await expect(all(cx, [Promise.resolve(1) as never])).rejects.toThrow(/thunks\[0\] is a object, not a function/);
      await expect(all(cx, "x" as never)).rejects.toThrow(/must be an array/);
    }),
  );

  describe("{ settle: true }", () => {
    test(
      "Promise.allSettled's shape: every thunk runs to its end, a failure cancels nobody",
      mockRun(async (cx, clock) => {
        const boom = new Boom();
        const results = await all(
          cx,
          [
            async (cx) => (await sleep(cx, 30), "slow"),
            async (cx) => {
              await sleep(cx, 5);
              throw boom;
            },
            () => 3,
          ],
          { settle: true },
        );
        expect(results).toEqual([
          { status: "fulfilled", value: "slow" },
          { status: "rejected", reason: boom },
          { status: "fulfilled", value: 3 },
        ]);
        expect(clock.now()).toBe(30);
      }),
    );

    test(
      "cancellation from outside is thrown, never recorded as an outcome",
      mockRun(async (cx) => {
        let results: unknown;
        const outcome = await withCancelScope(cx, { timeout: 10 }, async (cx) => {
          results = await all(cx, [(cx) => sleepForever(cx), async (cx) => (await sleep(cx, 1), "quick")], { settle: true });
          return "finished";
        });
        expect(outcome).toBeUndefined();
        expect(results).toBeUndefined();
      }),
    );
  });
});
