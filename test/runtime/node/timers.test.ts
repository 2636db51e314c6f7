import { setTimeout as delay } from "node:timers/promises";
import timers from "node:timers";
import { describe, expect, test } from "vitest";
import { fromPromise, openLoop, run, sleep, withNursery, type Cx, type LoopReport } from "corral";
import { installLoopHooks } from "corral/node";
import { MockClock } from "corral/testing";

installLoopHooks();

/** Legacy code: a callback-style delay built on setTimeout, as countless codebases have. */
function legacyDelay(ms: number, value: string): Promise<string> {
  return new Promise((resolve) => setTimeout(() => resolve(value), ms));
}

describe("legacy timers inside a loop", () => {
  test("a MockClock drives legacy setTimeout code: an hour of legacy delays takes no real time", async () => {
    const clock = new MockClock({ autojump: true });
    const result = await run(
      async (cx) => {
        const first = await fromPromise(cx, legacyDelay(3_600_000, "an hour later"));
        return { first, at: cx.now() };
      },
      { clock },
    );
    expect(result).toEqual({ first: "an hour later", at: 3_600_000 });
  });

  test("legacy timers and scoped sleeps share one clock and fire in deadline order", async () => {
    const clock = new MockClock();
    const log: string[] = [];
    await run(
      async (cx) => {
        setTimeout(() => log.push("legacy 30"), 30);
        const interval = setInterval(() => log.push(`interval ${cx.now()}`), 20);
        await withNursery(cx, async (n) => {
          n.start(async (cx: Cx) => {
            await sleep(cx, 25);
            log.push("scoped 25");
          });
          for (let t = 0; t < 50; t += 5) {
            clock.jump(5);
            await new Promise((resolve) => setImmediate(resolve)); // let the jumped timers run
          }
        });
        clearInterval(interval);
      },
      { clock },
    );
    expect(log).toEqual(["interval 20", "scoped 25", "legacy 30", "interval 40"]);
  });

  test("clearTimeout (with the timer or its id), refresh and unref behave as Node's", async () => {
    const clock = new MockClock({ autojump: true });
    const fired: string[] = [];
    await run(
      async (cx) => {
        const a = setTimeout(() => fired.push("a"), 10);
        clearTimeout(a);
        const b = setTimeout(() => fired.push("b"), 10);
        clearTimeout(Number(b));
        const c = setTimeout(() => fired.push(`c at ${cx.now()}`), 10);
        expect(c.hasRef()).toBe(true);
        expect(c.unref().hasRef()).toBe(false);
        await sleep(cx, 5);
        c.refresh(); // now due at 15
        await sleep(cx, 20);
        const d = timers.setTimeout(() => fired.push("d"), 0); // the node:timers export is captured too
        expect(d.hasRef()).toBe(true);
        await sleep(cx, 2);
      },
      { clock },
    );
    expect(fired).toEqual(["c at 15", "d"]);
  });

  test("timers/promises inside a loop wait on the run's clock", async () => {
    const clock = new MockClock({ autojump: true });
    const at = await run(
      async (cx) => {
        const value = await fromPromise(cx, delay(90_000, "late"));
        expect(value).toBe("late");
        return cx.now();
      },
      { clock },
    );
    expect(at).toBe(90_000);
  });

  test("closing a loop clears its legacy timers; the same code outside any loop keeps running", async () => {
    const ticks = { inside: 0, outside: 0 };
    const start = (where: "inside" | "outside") => setInterval(() => ticks[where]++, 1);
    const outside = start("outside");
    let report: LoopReport | undefined;
    try {
      await run(async (cx) => {
        await openLoop(cx, { onClose: (r) => (report = r) }, async () => {
          start("inside");
          setTimeout(() => ticks.inside++, 1_000_000);
          await fromPromise(cx, new Promise((resolve) => setImmediate(resolve)));
          while (ticks.inside < 2) await fromPromise(cx, new Promise((resolve) => setImmediate(resolve)));
        });
      });
      const afterClose = ticks.inside;
      const outsideThen = ticks.outside;
      while (ticks.outside < outsideThen + 3) await new Promise((resolve) => setImmediate(resolve));
      expect(ticks.inside).toBe(afterClose);
      expect(report?.closed).toEqual({ setInterval: 1, setTimeout: 1 });
    } finally {
      clearInterval(outside);
    }
  });

  test("a pending timers/promises wait rejects with an AbortError when its loop closes", async () => {
    let pending: Promise<unknown> | undefined;
    await run(async (cx) => {
      await openLoop(cx, () => {
        pending = delay(1_000_000, "never");
        pending.catch(() => {}); // observed below
      });
    });
    await expect(pending).rejects.toMatchObject({ name: "AbortError", code: "ABORT_ERR" });
  });

  test("an exception thrown by a legacy timer callback fails the loop's scope and cancels its work", async () => {
    const clock = new MockClock({ autojump: true });
    const boom = new Error("legacy timer threw");
    const log: string[] = [];
    const outcome = run(
      async (cx) => {
        await withNursery(cx, async (n) => {
          n.start(async (cx: Cx) => {
            try {
              await sleep(cx, 1_000);
            } finally {
              log.push("sibling cleaned up");
            }
          });
          setTimeout(() => {
            throw boom;
          }, 10);
        });
      },
      { clock },
    );
    await expect(outcome).rejects.toBe(boom);
    expect(log).toEqual(["sibling cleaned up"]);
  });

  test("outside every loop the timer functions are Node's own", async () => {
    const timer = setTimeout(() => {}, 1);
    expect(timer.constructor.name).toBe("Timeout");
    clearTimeout(timer);
    expect(await delay(1, "plain")).toBe("plain");
  });
});

describe("the frames corral adds to a legacy callback's stack", () => {
  /** The function names of the frames below the caller's, from a V8 structured stack. */
  function namesBelow(): (string | null)[] {
    const prepare = Error.prepareStackTrace;
    Error.prepareStackTrace = (_error, frames) => frames.map((frame) => frame.getFunctionName());
    try {
      return (new Error().stack as unknown as (string | null)[]).slice(2);
    } finally {
      Error.prepareStackTrace = prepare;
    }
  }

  test("all have a name, as Node's own do (the REPL cuts a stack at its last anonymous frame)", async () => {
    const below: Record<string, (string | null)[]> = {};
    await run((cx) =>
      openLoop(cx, () =>
        fromPromise(
          cx,
          Promise.all(
            (["setTimeout", "setInterval", "setImmediate", "queueMicrotask"] as const).map(
              (name) =>
                new Promise<void>((resolve) => {
                  const handle = (globalThis[name] as (fn: () => void, ms?: number) => unknown)(() => {
                    below[name] = namesBelow().slice(0, 2); // corral's frames, above Node's own
                    if (name === "setInterval") clearInterval(handle as NodeJS.Timeout);
                    resolve();
                  }, 1);
                }),
            ),
          ),
        ),
      ),
    );
    expect(below).toEqual({
      setTimeout: ["invoke", "ownedTimeout"],
      setInterval: ["invoke", "ownedInterval"],
      setImmediate: ["invoke", "ownedImmediate"],
      queueMicrotask: ["invoke", "ownedMicrotask"],
    });
  });
});
