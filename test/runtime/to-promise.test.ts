import { describe, expect, test } from "vitest";
import { UsageError, openLoop, shield, sleep, sleepForever, toCallback, toPromise, type Cx } from "corral";
import { MockClock, mockRun, waitAllTasksBlocked } from "corral/testing";

async function double(cx: Cx, n: number): Promise<number> {
  await sleep(cx, 1);
  return n * 2;
}

describe("toPromise", () => {
  test(
    "runs in the given loop",
    mockRun(async (cx) => {
      await openLoop(cx, async (loop) => {
        expect(await toPromise(double, { loop })(4)).toBe(8);
      });
    }),
  );

  test("without a loop, each call runs in a fresh root run; strict refuses", async () => {
    const quick = async (_cx: Cx, n: number): Promise<number> => n + 1;
    expect(await toPromise(quick)(1)).toBe(2);
    await expect(toPromise(quick, { strict: true })(1)).rejects.toThrow(UsageError);
    await expect(toPromise(quick, { strict: true })(1)).rejects.toThrow(/no corral loop/);
  });

  test(
    "aborting the caller's signal cancels the task; the promise rejects with the reason after the task exited",
    mockRun(async (cx) => {
      const controller = new AbortController();
      const log: string[] = [];
      await openLoop(cx, async (loop) => {
        const call = toPromise(
          async (cx: Cx) => {
            try {
              await sleepForever(cx);
            } finally {
              await shield(cx, (cx) => sleep(cx, 10));
              log.push("task cleaned up");
            }
          },
          { loop, signal: controller.signal },
        )();
        await waitAllTasksBlocked(cx);
        const reason = new Error("caller gave up");
        controller.abort(reason);
        await expect(call).rejects.toBe(reason);
        log.push("caller saw the rejection");
      });
      expect(log).toEqual(["task cleaned up", "caller saw the rejection"]);
    }),
  );

  test("an already aborted signal rejects without running the function", async () => {
    let ran = false;
    const reason = new Error("too late");
    const call = toPromise(
      async () => {
        ran = true;
      },
      { signal: AbortSignal.abort(reason) },
    );
    await expect(call()).rejects.toBe(reason);
    expect(ran).toBe(false);
  });

  test("refuses what is not a scoped function or a loop", () => {
    expect(() => toPromise("f" as never)).toThrow(UsageError);
    expect(() => toPromise(double, { loop: {} as never })).toThrow(/options.loop must be a Loop/);
  });
});

describe("toCallback", () => {
  test("calls back err-first with the value or the error", async () => {
    const results: unknown[] = [];
    await new Promise<void>((done) =>
      toCallback(async (_cx: Cx, n: number) => n * 3)(5, (error, value) => {
        results.push(error, value);
        done();
      }),
    );
    const boom = new Error("nope");
    await new Promise<void>((done) =>
      toCallback(async () => {
        throw boom;
      })((error: unknown) => {
        results.push(error);
        done();
      }),
    );
    expect(results).toEqual([null, 15, boom]);
  });

  test("the last argument must be a callback", () => {
    expect(() => (toCallback(double) as (...args: unknown[]) => void)(1)).toThrow(/last argument must be an err-first/);
  });

  test("runs on the given loop's clock", async () => {
    const clock = new MockClock({ autojump: true });
    const { run } = await import("corral");
    await run(
      (cx) =>
        openLoop(cx, async (loop) => {
          const value = await new Promise((resolve) => toCallback(double, { loop })(10, (_e, v) => resolve(v)));
          expect(value).toBe(20);
          expect(clock.now()).toBe(1);
        }),
      { clock },
    );
  });
});
