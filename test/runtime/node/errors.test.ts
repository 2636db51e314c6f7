import { describe, expect, test } from "vitest";
import { openLoop, run, sleep, withNursery, type Cx } from "corral";
import { installLoopHooks } from "corral/node";
import { MockClock } from "corral/testing";

installLoopHooks();

// In-process: the loop takes its errors before any process listener (this test runner's included) sees them.
describe("errors of legacy code inside a loop", () => {
  test("an unhandled rejection fails the loop's scope and cancels its work; nobody else sees it", async () => {
    const seen: unknown[] = [];
    const listener = (reason: unknown): void => void seen.push(reason);
    process.on("unhandledRejection", listener);
    const log: string[] = [];
    const lost = new Error("legacy code forgot a catch");
    try {
      const outcome = run(
        async (cx) => {
          await withNursery(cx, async (n) => {
            n.start(async (cx: Cx) => {
              try {
                await sleep(cx, 60_000);
              } finally {
                log.push("sibling cleaned up");
              }
            });
            void Promise.reject(lost);
          });
        },
        { clock: new MockClock() }, // never moves: only the rejection ends the sleep
      );
      await expect(outcome).rejects.toBe(lost);
    } finally {
      process.off("unhandledRejection", listener);
    }
    expect(log).toEqual(["sibling cleaned up"]);
    expect(seen).toEqual([]);
  });

  test("an exception thrown by an I/O callback fails the loop that started the I/O", async () => {
    const { stat } = await import("node:fs");
    const boom = new Error("thrown in a callback");
    const outcome = run(async (cx) => {
      await openLoop(cx, async () => {
        stat(".", () => {
          throw boom;
        });
        await sleep(cx, 10_000); // on a clock that never moves: only the callback's throw ends the wait
      });
    }, { clock: new MockClock() });
    await expect(outcome).rejects.toBe(boom);
  });
});
