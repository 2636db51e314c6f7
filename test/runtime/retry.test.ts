import { describe, expect, expectTypeOf, test } from "vitest";
import {
  Cancelled,
  UsageError,
  failAfter,
  moveOnAfter,
  retry,
  sleep,
  withNursery,
  type Cx,
  type RetryOptions,
} from "corral";
import { mockRun } from "corral/testing";

class Flaky extends Error {
  constructor(readonly attempt: number) {
    super(`attempt ${attempt} failed`);
  }
}

/** A function that fails its first `failures` calls and records when each call started. */
function flaky(failures: number, starts: number[]) {
  return async (cx: Cx, attempt: number): Promise<string> => {
    starts.push(cx.now());
    await sleep(cx, 0);
    if (attempt <= failures) throw new Flaky(attempt);
    return `ok on ${attempt}`;
  };
}

describe("retry", () => {
  test(
    "calls again after each failure, waiting the backoff on the run's clock, and resolves to the first value",
    mockRun(async (cx, clock) => {
      const starts: number[] = [];
      const value = await retry(cx, flaky(2, starts), { attempts: 5, backoff: 100 });
      expectTypeOf(value).toEqualTypeOf<string>();
      expect(value).toBe("ok on 3");
      expect(starts).toEqual([0, 100, 200]);
      expect(clock.now()).toBe(200);
    }),
  );

  test(
    "exponential backoff: initial * factor ** (retry - 1), at most max",
    mockRun(async (cx) => {
      const starts: number[] = [];
      await retry(cx, flaky(4, starts), { attempts: 5, backoff: { initial: 100, factor: 2, max: 300 } });
      expect(starts).toEqual([0, 100, 300, 600, 900]);
      const doubling: number[] = [];
      await retry(cx, flaky(3, doubling), { attempts: 4, backoff: { initial: 10 } });
      expect(doubling.map((t) => t - doubling[0]!)).toEqual([0, 10, 30, 70]);
    }),
  );

  test(
    "a backoff function gets the retry's number and the error that caused it",
    mockRun(async (cx) => {
      const asked: [number, unknown][] = [];
      const starts: number[] = [];
      await retry(cx, flaky(2, starts), {
        attempts: 3,
        backoff: (retry, error) => (asked.push([retry, (error as Flaky).attempt]), retry * 7),
      });
      expect(asked).toEqual([
        [1, 1],
        [2, 2],
      ]);
      expect(starts).toEqual([0, 7, 21]);
    }),
  );

  test(
    "out of attempts: the last error, unchanged, with no wait after it",
    mockRun(async (cx, clock) => {
      const starts: number[] = [];
      const error = await retry(cx, flaky(9, starts), { attempts: 3, backoff: 50 }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(Flaky);
      expect((error as Flaky).attempt).toBe(3);
      expect(starts).toEqual([0, 50, 100]);
      expect(clock.now()).toBe(100);
    }),
  );

  test(
    "a misuse of corral (UsageError) is thrown at once, not retried",
    mockRun(async (cx, clock) => {
      let calls = 0;
      const misuse = new UsageError("a cx kept after its function returned");
      const error = await retry(
        cx,
        () => {
          calls++;
          throw misuse;
        },
        { attempts: 5, backoff: 50 },
      ).catch((e: unknown) => e);
      expect(error).toBe(misuse);
      expect(calls).toBe(1);
      expect(clock.now()).toBe(0);
    }),
  );

  test(
    "retryIf refuses an error: it is thrown at once",
    mockRun(async (cx, clock) => {
      const seen: [unknown, number][] = [];
      const error = await retry(cx, flaky(9, []), {
        attempts: 10,
        backoff: 50,
        retryIf: (error, attempt) => (seen.push([(error as Flaky).attempt, attempt]), attempt < 2),
      }).catch((e: unknown) => e);
      expect((error as Flaky).attempt).toBe(2);
      expect(seen).toEqual([
        [1, 1],
        [2, 2],
      ]);
      expect(clock.now()).toBe(50);
    }),
  );

  test(
    "cancellation is never retried: it stops the retrying in an attempt or in a wait",
    mockRun(async (cx, clock) => {
      let calls = 0;
      let caught: unknown;
      const askedAbout: unknown[] = [];
      const inAttempt = await moveOnAfter(cx, 30, (cx) =>
        retry(
          cx,
          async (cx) => {
            calls++;
            try {
              await sleep(cx, 1_000);
            } catch (error) {
              caught = error;
              throw error;
            }
          },
          { attempts: Infinity, retryIf: (error) => askedAbout.push(error) > 0 },
        ),
      );
      expect(inAttempt).toBeUndefined();
      expect(calls).toBe(1);
      expect(askedAbout).toEqual([]); // retryIf is not even asked about a Cancelled
      expect(caught).toBeInstanceOf(Cancelled);
      const starts: number[] = [];
      const inWait = await withNursery(cx, async (n): Promise<string | undefined> => {
        n.start(async (cx) => {
          await sleep(cx, 500);
          n.cancelScope.cancel();
        });
        return retry(cx, flaky(9, starts), { attempts: Infinity, backoff: { initial: 100 } });
      });
      expect(inWait).toBeUndefined();
      expect(starts).toEqual([30, 130, 330]); // the wait before a fourth, until 730, was cancelled at 530
      expect(clock.now()).toBe(530);
    }),
  );

  test(
    "a retry that could not start before the deadline is not waited for: the last error is thrown at once",
    mockRun(async (cx, clock) => {
      const quiet = await moveOnAfter(cx, 1_000, (cx) =>
        retry(cx, flaky(9, []), { attempts: Infinity, backoff: 600 }).catch((e: unknown) => e),
      );
      expect((quiet as Flaky).attempt).toBe(2); // at 600; a third at 1200 could not start before 1000
      expect(clock.now()).toBe(600);
      const starts: number[] = [];
      const error = await failAfter(cx, 250, (cx) => retry(cx, flaky(9, starts), { attempts: 5, backoff: 200 })).catch(
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(Flaky); // not TooSlowError at 850: the error that says why
      expect((error as Flaky).attempt).toBe(2);
      expect(starts).toEqual([600, 800]);
      expect(clock.now()).toBe(800);
    }),
  );

  test(
    "options it cannot use: a UsageError that says what to pass",
    mockRun(async (cx) => {
      const ok = async () => 1;
      const cases: [unknown, RegExp][] = [
        [undefined, /options must be an object such as \{ attempts: 3, backoff: 100 \}/],
        [{ attempts: 0 }, /options\.attempts must be a whole number >= 1 or Infinity, got 0/],
        [{ attempts: 1.5 }, /options\.attempts must be a whole number >= 1 or Infinity, got 1\.5/],
        [{ attempts: 2, backoff: -1 }, /retry was given -1 ms as its backoff; expected a number of milliseconds >= 0/],
        [
          { attempts: 2, backoff: { initial: 10, factor: 0.5 } },
          /backoff\.factor must be a finite number >= 1, got 0\.5/,
        ],
        [{ attempts: 2, backoff: "1s" }, /options\.backoff must be milliseconds, \{ initial, factor\?, max\? \} or/],
        [{ attempts: 2, retryIf: true }, /options\.retryIf must be a function \(error, attempt\) => boolean/],
      ];
      for (const [options, message] of cases) {
        const error = await retry(cx, ok, options as RetryOptions).catch((e: unknown) => e);
        expect(error, String(message)).toBeInstanceOf(UsageError);
        expect((error as Error).message).toMatch(message);
      }
      const badFn = await retry(cx, "fetch" as never, { attempts: 2 }).catch((e: unknown) => e);
      expect((badFn as Error).message).toMatch(/retry\(cx, fn, options\): fn must be a function, got string/);
      const badDelay = await retry(cx, flaky(1, []), { attempts: 2, backoff: () => NaN }).catch((e: unknown) => e);
      expect((badDelay as Error).message).toMatch(/retry was given NaN ms as its backoff for this retry/);
    }),
  );
});
