import { describe, expect, test } from "vitest";
import { UsageError, run, sleep, toPromise, type Cx } from "corral";
import { currentLoop, installLoopHooks } from "corral/node";
import { MockClock, mockRun } from "corral/testing";

describe("currentLoop and installLoopHooks", () => {
  test("before the hooks are installed there is no current loop, even inside a run", async () => {
    await run(async () => {
      expect(currentLoop()).toBeUndefined();
    });
  });

  test(
    "installLoopHooks inside a mockRun body, whose loop is already open, says to call it first; it installs nothing",
    mockRun(async (cx) => {
      await sleep(cx, 1);
      expect(() => installLoopHooks()).toThrow(UsageError);
      expect(() => installLoopHooks()).toThrow(/before run.*setupFiles/s);
      expect(currentLoop()).toBeUndefined();
    }),
  );

  test("after installLoopHooks, legacy code started inside a run sees the run's loop, and toPromise runs in it", async () => {
    installLoopHooks();
    installLoopHooks(); // idempotent
    expect(currentLoop()).toBeUndefined();
    const clock = new MockClock({ autojump: true });
    const seen = await run(
      async () => {
        const fromTimer = await new Promise((resolve) => setTimeout(() => resolve(currentLoop()), 0));
        // Legacy code calling scoped code: no loop passed, it is found; the task runs on this run's MockClock.
        const ranAt = await new Promise<number>((resolve, reject) =>
          setTimeout(() => {
            toPromise(async (cx: Cx) => {
              await sleep(cx, 60_000);
              return cx.now();
            })().then(resolve, reject);
          }, 0),
        );
        return { fromTimer, ranAt, inside: currentLoop() };
      },
      { clock },
    );
    expect(seen.inside).toBeDefined();
    expect(seen.fromTimer).toBe(seen.inside);
    expect(seen.ranAt).toBe(60_002); // each legacy setTimeout(0) waits 1 ms of the MockClock, as Node makes it 1 ms
    expect(currentLoop()).toBeUndefined();
  });
});
