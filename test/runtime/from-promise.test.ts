import { describe, expect, test } from "vitest";
import {
  Cancelled,
  TooSlowError,
  UsageError,
  checkpoint,
  failAfter,
  fromPromise,
  moveOnAfter,
  openLoop,
  run,
  sleep,
  withCancelScope,
  withNursery,
  type LoopReport,
} from "corral";
import { MockClock, mockRun, waitAllTasksBlocked } from "corral/testing";

/** Legacy work driven by hand: settle it from the test, and see whether its signal aborted. */
function legacy<T>(): {
  work: (signal: AbortSignal) => Promise<T>;
  resolve: (value: T) => void;
  reject: (error: unknown) => void;
  signal: () => AbortSignal | undefined;
} {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  let seen: AbortSignal | undefined;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return {
    work: (signal) => {
      seen = signal;
      return promise;
    },
    resolve,
    reject,
    signal: () => seen,
  };
}

describe("fromPromise without cancellation", () => {
  test(
    "resolves with the work's value and rejects with its error unchanged",
    mockRun(async (cx) => {
      expect(await fromPromise(cx, Promise.resolve(42))).toBe(42);
      expect(await fromPromise(cx, async (signal) => (signal instanceof AbortSignal ? "got a signal" : "no"))).toBe(
        "got a signal",
      );
      const boom = new RangeError("legacy failed");
      await expect(fromPromise(cx, Promise.reject(boom))).rejects.toBe(boom);
      await expect(
        fromPromise(cx, () => {
          throw boom;
        }),
      ).rejects.toBe(boom);
    }),
  );

  test(
    "is a checkpoint: a cancelled scope does not start the work",
    mockRun(async (cx) => {
      let started = false;
      await withCancelScope(cx, async (cx, scope) => {
        scope.cancel();
        await expect(
          fromPromise(cx, async () => {
            started = true;
          }),
        ).rejects.toBeInstanceOf(Cancelled);
      });
      expect(started).toBe(false);
    }),
  );
});

describe("fromPromise on cancellation, work that takes the signal", () => {
  test(
    "aborts the signal, waits until the work has settled, then throws Cancelled (absorbed by the scope)",
    mockRun(async (cx) => {
      const op = legacy<string>();
      const log: string[] = [];
      const result = await withCancelScope(cx, async (cx, scope) => {
        await withNursery(cx, async (n) => {
          n.start(async (cx) => {
            try {
              await fromPromise(cx, op.work);
            } catch (error) {
              log.push(`bridge threw ${(error as Error).name} at ${cx.now()}`);
              throw error;
            }
          });
          await waitAllTasksBlocked(cx);
          scope.cancel();
          expect(op.signal()!.aborted).toBe(true);
          await sleep(cx, 0).catch(() => {});
          log.push("work still running after the abort");
          op.reject(new Error("stopped"));
        });
        return "unreachable";
      });
      expect(result).toBeUndefined();
      expect(log).toEqual(["work still running after the abort", "bridge threw Cancelled at 0"]);
    }),
  );

  test(
    "the Cancelled comes only once the work settles, whatever it rejected with",
    mockRun(async (cx, clock) => {
      const op = legacy<string>();
      let thrown: unknown = "not yet";
      let returnedAt = -1;
      await withNursery(cx, async (n) => {
        n.start(async (cx) => {
          thrown = await moveOnAfter(cx, 10, (cx) => fromPromise(cx, op.work)).catch((e: unknown) => e);
          returnedAt = cx.now();
        });
        await sleep(cx, 50); // the timeout fired at 10; the bridge is still waiting for the work
        expect(returnedAt).toBe(-1);
        op.reject(new DOMException("The operation was aborted", "AbortError"));
      });
      expect(thrown).toBeUndefined(); // moveOnAfter absorbed the Cancelled: the AbortError did not escape
      expect(returnedAt).toBe(50);
      expect(clock.now()).toBe(50);
    }),
  );

  test(
    "a value that arrives after cancellation is returned; the next checkpoint raises",
    mockRun(async (cx) => {
      const op = legacy<string>();
      const log: string[] = [];
      await withCancelScope(cx, async (cx, scope) => {
        await withNursery(cx, async (n) => {
          n.start(async (cx) => {
            log.push(`got ${await fromPromise(cx, op.work)}`);
            await checkpoint(cx).catch((e: unknown) => log.push(`then ${(e as Error).name}`));
          });
          await waitAllTasksBlocked(cx);
          scope.cancel();
          op.resolve("late value");
        });
      });
      expect(log).toEqual(["got late value", "then Cancelled"]);
    }),
  );

  test(
    "a timeout reaches the legacy work: failAfter throws TooSlowError once the work stopped",
    mockRun(async (cx) => {
      let aborted = false;
      const work = (signal: AbortSignal): Promise<never> =>
        new Promise((_resolve, reject) => {
          signal.addEventListener("abort", () => {
            aborted = true;
            reject(signal.reason);
          });
        });
      await expect(failAfter(cx, 25, (cx) => fromPromise(cx, work))).rejects.toBeInstanceOf(TooSlowError);
      expect(aborted).toBe(true);
    }),
  );

  test(
    "detachAfter bounds the wait for work that ignores its signal",
    mockRun(async (cx, clock) => {
      const stubborn = new Promise<never>(() => {});
      const result = await moveOnAfter(cx, 10, (cx) => fromPromise(cx, () => stubborn, { detachAfter: 30 }));
      expect(result).toBeUndefined();
      expect(clock.now()).toBe(40);
    }),
  );
});

describe("fromPromise on cancellation, a bare promise", () => {
  test(
    "is detached at once, and its late rejection is swallowed",
    mockRun(async (cx, clock) => {
      let rejectLate!: (error: unknown) => void;
      const bare = new Promise<string>((_resolve, reject) => (rejectLate = reject));
      const result = await moveOnAfter(cx, 10, (cx) => fromPromise(cx, bare));
      expect(result).toBeUndefined();
      expect(clock.now()).toBe(10);
      rejectLate(new Error("late failure nobody awaits"));
      await sleep(cx, 1); // an unhandled rejection would fail the test run here
    }),
  );

  test(
    "with onCancel, it is called once and the bridge waits for the work to stop",
    mockRun(async (cx) => {
      let stop!: () => void;
      const bare = new Promise<void>((resolve) => (stop = resolve));
      let calls = 0;
      const result = await moveOnAfter(cx, 10, async (cx) => {
        await fromPromise(cx, bare, {
          onCancel: () => {
            calls++;
            stop();
          },
        });
        await checkpoint(cx);
        return "unreachable";
      });
      expect(result).toBeUndefined();
      expect(calls).toBe(1);
    }),
  );

  test(
    "an onCancel that throws fails the wait with its error",
    mockRun(async (cx) => {
      const boom = new Error("cancel API failed");
      const error = await moveOnAfter(cx, 5, (cx) =>
        fromPromise(cx, new Promise<never>(() => {}), {
          onCancel: () => {
            throw boom;
          },
        }),
      ).catch((e: unknown) => e);
      expect(error).toBe(boom);
    }),
  );
});

describe("fromPromise misuse", () => {
  test(
    "work that is neither a promise nor a function, and bad options",
    mockRun(async (cx) => {
      await expect(fromPromise(cx, 42 as never)).rejects.toThrow(/work must be a promise or a function/);
      await expect(fromPromise(cx, Promise.resolve(1), { detachAfter: -1 })).rejects.toThrow(UsageError);
      await expect(fromPromise(cx, Promise.resolve(1), { onCancel: "x" as never })).rejects.toThrow(/onCancel/);
      await expect(fromPromise(undefined as never, Promise.resolve(1))).rejects.toThrow(/expected the cx/);
    }),
  );
});

describe("fromPromise: a deadline ends every wait", () => {
  /** The documented default of detachAfter for work that can be stopped. */
  const DEFAULT_DETACH_AFTER = 1_000;

  /** The shape: onCancel stops the work (clearTimeout) and so its promise never settles. */
  function stoppedButNeverSettled(): { promise: Promise<void>; stop: () => void } {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const promise = new Promise<void>((resolve) => (timer = setTimeout(resolve, 60_000)));
    return { promise, stop: () => clearTimeout(timer) };
  }

  test("an onCancel that stops the work without settling it: the wait ends after the default grace", async () => {
    const clock = new MockClock({ autojump: true });
    let report: LoopReport | undefined;
    const result = await run(
      (cx) =>
        openLoop(cx, { onClose: (r) => void (report = r) }, (_loop) =>
          moveOnAfter(cx, 100, async (cx) => {
            const work = stoppedButNeverSettled();
            await fromPromise(cx, work.promise, { onCancel: work.stop });
            return "unreachable";
          }),
        ),
      { clock },
    );
    expect(result).toBeUndefined();
    expect(clock.now()).toBe(100 + DEFAULT_DETACH_AFTER);
    expect(report?.orphans).toMatchObject({ pending: 1, unstopped: 1 });
  });

  test("signal-taking work that ignores its signal: the same grace, then detached", async () => {
    const clock = new MockClock({ autojump: true });
    const result = await run(
      (cx) => moveOnAfter(cx, 10, (cx) => fromPromise(cx, () => new Promise<never>(() => {}))),
      { clock },
    );
    expect(result).toBeUndefined();
    expect(clock.now()).toBe(10 + DEFAULT_DETACH_AFTER);
  });

  test("mockRun fails a test whose stop never settled its work, and says what to do", async () => {
    const body = mockRun(async (cx) => {
      const work = stoppedButNeverSettled();
      await moveOnAfter(cx, 100, (cx) => fromPromise(cx, work.promise, { onCancel: work.stop }));
    });
    await expect(body()).rejects.toThrow(/never settled.*onCancel.*detachAfter/s);
  });

  test("work that settles within the grace is waited for, and an explicit detachAfter is not reported", async () => {
    let report: LoopReport | undefined;
    await mockRun(async (cx, clock) => {
      await openLoop(cx, { onClose: (r) => void (report = r) }, async () => {
        await moveOnAfter(cx, 10, (cx) => fromPromise(cx, () => new Promise<never>(() => {}), { detachAfter: 5 }));
        expect(clock.now()).toBe(15);
      });
    })();
    expect(report?.orphans).toMatchObject({ pending: 1, unstopped: 0 });
  });
});
