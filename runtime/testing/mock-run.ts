import type { Cx } from "../cx.ts";
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
 * timer outlives it.
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
    await run((cx) => body(cx, clock), { clock, strict });
  };
}
