import { describe, expect, test } from "vitest";
import { TooSlowError, UsageError, bridge, failAfter, withCancelScope, Cancelled } from "corral";
import { mockRun } from "corral/testing";

describe("bridge", () => {
  test(
    "turns a legacy function into a scoped one that gets the scope's signal first",
    mockRun(async (cx) => {
      const add = bridge(async (signal: AbortSignal, a: number, b: number) => (signal.aborted ? -1 : a + b));
      expect(await add(cx, 2, 3)).toBe(5);
    }),
  );

  test(
    "a timeout aborts the legacy work and waits for it to stop",
    mockRun(async (cx) => {
      const stopped: string[] = [];
      const wait = bridge(
        (signal: AbortSignal, label: string) =>
          new Promise<never>((_resolve, reject) =>
            signal.addEventListener("abort", () => {
              stopped.push(label);
              reject(signal.reason);
            }),
          ),
      );
      await expect(failAfter(cx, 30, (cx) => wait(cx, "query"))).rejects.toBeInstanceOf(TooSlowError);
      expect(stopped).toEqual(["query"]);
    }),
  );

  test(
    "each call is a checkpoint: in a cancelled scope the legacy function is not called",
    mockRun(async (cx) => {
      let calls = 0;
      const counted = bridge(async () => ++calls);
      await withCancelScope(cx, async (cx, scope) => {
        scope.cancel();
        await expect(counted(cx)).rejects.toBeInstanceOf(Cancelled);
      });
      expect(calls).toBe(0);
    }),
  );

  test(
    "options are passed on: detachAfter bounds the wait for work that ignores the signal",
    mockRun(async (cx, clock) => {
      const stubborn = bridge(() => new Promise<never>(() => {}), { detachAfter: 5 });
      await expect(failAfter(cx, 10, (cx) => stubborn(cx))).rejects.toBeInstanceOf(TooSlowError);
      expect(clock.now()).toBe(15);
    }),
  );

  test("refuses what is not a function", () => {
    expect(() => bridge("fetch" as never)).toThrow(UsageError);
  });
});
