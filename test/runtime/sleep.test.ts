import { describe, expect, test } from "vitest";
import { Cancelled, UsageError, sleep, sleepForever, sleepUntil, withCancelScope, withNursery } from "corral";
import { mockRun } from "corral/testing";

describe("sleep", () => {
  test(
    "sleepers wake in deadline order, ties in call order",
    mockRun(async (cx) => {
      const woke: string[] = [];
      await withNursery(cx, (n) => {
        for (const [name, ms] of [["c", 30], ["a", 10], ["b1", 20], ["b2", 20]] as const) {
          n.start(async (cx) => {
            await sleep(cx, ms);
            woke.push(`${name}@${cx.now()}`);
          });
        }
      });
      expect(woke).toEqual(["a@10", "b1@20", "b2@20", "c@30"]);
    }),
  );

  test(
    "an hour of sleeping takes no real time with an autojumping MockClock",
    mockRun(async (cx, clock) => {
      const realStart = performance.now();
      for (let i = 0; i < 60; i++) await sleep(cx, 60_000);
      expect(clock.now()).toBe(3_600_000);
      // Not a duration assertion: a real hour could never fit in a test run at all.
      expect(performance.now() - realStart).toBeLessThan(60_000);
    }),
  );

  test(
    "sleepUntil a past time is a checkpoint; Infinity sleeps until cancelled",
    mockRun(async (cx, clock) => {
      await sleep(cx, 10);
      await sleepUntil(cx, 5);
      expect(clock.now()).toBe(10);
      const r = await withCancelScope(cx, { timeout: 7 }, (cx) => sleepUntil(cx, Infinity));
      expect(r).toBeUndefined();
      expect(clock.now()).toBe(17);
    }),
  );

  test(
    "a cancelled sleep throws Cancelled and leaves no timer behind",
    mockRun(async (cx) => {
      await withCancelScope(cx, async (cx, scope) => {
        const sleeping = sleep(cx, 1_000_000);
        scope.cancel();
        await expect(sleeping).rejects.toBeInstanceOf(Cancelled);
      });
    }),
  );

  test(
    "bad durations are refused with a message that says what to pass",
    mockRun(async (cx) => {
      await expect(sleep(cx, -5)).rejects.toThrow(
        "sleep was given -5 ms as its duration; expected a number of milliseconds >= 0 (Infinity for none)",
      );
      await expect(sleep(cx, Number.NaN)).rejects.toThrow(UsageError);
      await expect(sleep(cx, "10" as never)).rejects.toThrow(/sleep was given string 10/);
      await expect(sleepUntil(cx, Number.NaN)).rejects.toThrow(/expected a time in milliseconds/);
      await expect(sleep(undefined as never, 1)).rejects.toThrow(/expected the cx/);
    }),
  );

  test(
    "sleepForever wakes only by cancellation",
    mockRun(async (cx, clock) => {
      await withCancelScope(cx, { timeout: 123 }, (cx) => sleepForever(cx));
      expect(clock.now()).toBe(123);
    }),
  );
});
