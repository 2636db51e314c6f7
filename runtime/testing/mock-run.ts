import type { Cx } from "../cx.ts";
import { UsageError } from "../errors.ts";
import { openLoop, type LoopReport } from "../loop.ts";
import { run } from "../run.ts";
import { MockClock, type MockClockOptions } from "./mock-clock.ts";

/** Options of `mockRun`: the clock's, and the run's `strict`. */
export interface MockRunOptions extends MockClockOptions {
  /** As `RunOptions.strict`. */
  strict?: boolean;
}

/**
 * Turn a scoped test body into a test function: each call runs `body(cx, clock)` in a fresh `run()` on a new
 * `MockClock` (autojump on unless `autojump: false`). The test fails if the body fails, or if a task, scope or
 * timer outlives it; with `corral/node`'s `installLoopHooks()` (called before the test runs: at the top of the test
 * file or in a setup file, not in the body), also if legacy timers, sockets, servers, child processes or watchers the
 * body started were still open when it returned (they are closed, then reported).
 * @example
 * import { test, expect } from "vitest";
 * test("retries after a second", mockRun(async (cx, clock) => {
 *   await sleep(cx, 1_000);
 *   expect(clock.now()).toBe(1_000);
 * }));
 */
export function mockRun(
  body: (cx: Cx, clock: MockClock) => Promise<void> | void,
  options: MockRunOptions = {},
): () => Promise<void> {
  return async () => {
    const { strict = false, autojump = true, ...clockOptions } = options;
    const clock = new MockClock({ ...clockOptions, autojump });
    let report: LoopReport | undefined;
    const onClose = (r: LoopReport): void => void (report = r);
    await run((cx) => openLoop(cx, { onClose }, () => body(cx, clock)), { clock, strict });
    const unstopped = report?.orphans.unstopped ?? 0;
    if (unstopped > 0) {
      throw new UsageError(
        `${unstopped} bridged wait(s) (fromPromise, bridge, fromAsyncIterable) were stopped but their work never ` +
          "settled: the signal or onCancel stopped nothing, or stopped the work without settling its promise " +
          "(clearTimeout alone leaves it pending forever), or a source's return() never settled. corral detached it " +
          "after the default detachAfter (1 s). Make the stop settle the promise (reject it in onCancel), or pass " +
          "{ detachAfter } to say how long to wait for it.",
      );
    }
    const left = Object.entries(report?.closed ?? {});
    if (left.length > 0) {
      const what = left.map(([kind, n]) => `${n} ${kind}`).join(", ");
      throw new UsageError(
        `legacy work outlived the test body: ${what} still open when it returned (closed by the test's loop). ` +
          "Clear timers and close handles in the code under test, or await the work before returning.",
      );
    }
  };
}
