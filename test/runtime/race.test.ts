import { describe, expect, test } from "vitest";
import { Cancelled, race, shield, sleep, sleepForever } from "corral";
import { mockRun } from "corral/testing";

class Boom extends Error {}

describe("race", () => {
  test(
    "returns the first result and cancels and awaits the rest",
    mockRun(async (cx, clock) => {
      const log: string[] = [];
      const winner = await race(cx, [
        async (cx) => (await sleep(cx, 10), "fast"),
        async (cx) => {
          try {
            await sleep(cx, 1_000);
            return "slow";
          } catch (e) {
            log.push(e instanceof Cancelled ? "loser cancelled" : "other");
            await shield(cx, (cx) => sleep(cx, 5));
            log.push("loser cleaned up");
            throw e;
          }
        },
      ]);
      expect(winner).toBe("fast");
      expect(log).toEqual(["loser cancelled", "loser cleaned up"]);
      expect(clock.now()).toBe(15);
    }),
  );

  test(
    "a failure that comes first is rethrown, like Promise.race",
    mockRun(async (cx) => {
      const boom = new Boom();
      await expect(
        race(cx, [
          async (cx) => (await sleep(cx, 10), "late"),
          async (cx) => {
            await sleep(cx, 1);
            throw boom;
          },
        ]),
      ).rejects.toBe(boom);
    }),
  );

  test(
    "a loser that fails with a real error while being cancelled is not hidden",
    mockRun(async (cx) => {
      const boom = new Boom("cleanup failed");
      await expect(
        race(cx, [
          async () => "instant",
          async (cx) => {
            try {
              await sleepForever(cx);
            } finally {
              // eslint-disable-next-line no-unsafe-finally
              throw boom;
            }
          },
        ]),
      ).rejects.toBe(boom);
    }),
  );

  test(
    "an empty race is refused",
    mockRun(async (cx) => {
      await expect(race(cx, [])).rejects.toThrow(/Promise.race\(\[\]\) would never settle/);
    }),
  );
});
