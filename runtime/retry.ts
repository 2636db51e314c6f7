/**
 * Retry with backoff, on the run's clock: the waits are `sleep`s, so a `MockClock` drives them in tests and a
 * deadline or cancellation around the retry stops them like any other wait.
 */
import { checkDuration } from "./cancel-scope.ts";
import type { Cx } from "./cx.ts";
import { isCancelled, UsageError } from "./errors.ts";
import { inOwnScope } from "./internal/own-scope.ts";
import { sleep } from "./sleep.ts";

/** Exponential backoff: the n-th retry waits `initial * factor ** (n - 1)` ms, at most `max`. */
export interface ExponentialBackoff {
  /** Milliseconds before the first retry. */
  initial: number;
  /** What each wait is multiplied by for the next (>= 1). Default 2. */
  factor?: number;
  /** The longest wait, in milliseconds. Default: no limit. */
  max?: number;
}

/** Options of {@link retry}. */
export interface RetryOptions {
  /** How many times to call `fn` in all, the first call included: a whole number >= 1, or `Infinity`. */
  attempts: number;
  /**
   * The wait before each retry, in milliseconds on the run's clock: a number, an {@link ExponentialBackoff}, or a
   * function of the retry's number (1 for the first retry) and the error that caused it (add jitter there).
   * Default 0 (a checkpoint between attempts).
   */
  backoff?: number | ExponentialBackoff | ((retry: number, error: unknown) => number);
  /** Retry only the errors this accepts (`attempt` is the number of the call that failed). Default: every error. */
  retryIf?: (error: unknown, attempt: number) => boolean;
}

/**
 * Call `fn(cx, attempt)` until it returns, at most `options.attempts` times, waiting `options.backoff` between
 * calls; resolves to the first value it returns. A `Cancelled` is never retried: cancellation stops the retrying
 * (a wait between attempts is a checkpoint); nor is a `UsageError`, a misuse of corral to fix. When no retry is
 * left, or `retryIf` refuses the error, or the next attempt could not start before the effective deadline
 * (`cx.deadline`), the last error is thrown unchanged, at once. To bound each attempt, put a `failAfter` inside
 * `fn`; to bound them all, put one around `retry`.
 * @throws the last error of `fn`; UsageError for options it cannot use
 * @example
 * const page = await retry(cx, (cx) => failAfter(cx, 2_000, (cx) => fetchPage(cx, url)), {
 *   attempts: 5,
 *   backoff: { initial: 100, max: 2_000 },
 *   retryIf: (error) => !(error instanceof NotFoundError),
 * });
 */
export function retry<T>(
  cx: Cx,
  fn: (cx: Cx, attempt: number) => Promise<T> | T,
  options: RetryOptions,
): Promise<T> {
  // In a scope of its own: a forgotten `await` of it is reported once, by the scope around (own-scope.ts).
  return inOwnScope(cx, "retry", async (cx) => {
    if (typeof fn !== "function") throw new UsageError(`retry(cx, fn, options): fn must be a function, got ${typeof fn}`);
    const { attempts, backoff = 0, retryIf } = checkOptions(options);
    for (let attempt = 1; ; attempt++) {
      try {
        return await fn(cx, attempt);
      } catch (error) {
        // A misuse of corral is a bug to fix, not a failure to retry.
        if (isCancelled(error) || error instanceof UsageError || attempt >= attempts || (retryIf !== undefined && !retryIf(error, attempt))) {
          throw error;
        }
        const wait = delay(backoff, attempt, error);
        if (cx.now() + wait >= cx.deadline) throw error;
        await sleep(cx, wait);
      }
    }
  });
}

function delay(backoff: NonNullable<RetryOptions["backoff"]>, retry: number, error: unknown): number {
  if (typeof backoff === "number") return backoff;
  if (typeof backoff === "function") {
    const ms = backoff(retry, error);
    checkDuration(ms, "retry", "backoff for this retry");
    return ms;
  }
  const { initial, factor = 2, max = Infinity } = backoff;
  return Math.min(max, initial * factor ** (retry - 1));
}

function checkOptions(options: RetryOptions): RetryOptions {
  if (typeof options !== "object" || options === null) {
    throw new UsageError("retry(cx, fn, options): options must be an object such as { attempts: 3, backoff: 100 }");
  }
  const { attempts, backoff, retryIf } = options;
  if (attempts !== Infinity && (typeof attempts !== "number" || !Number.isInteger(attempts) || attempts < 1)) {
    throw new UsageError(`retry: options.attempts must be a whole number >= 1 or Infinity, got ${String(attempts)}`);
  }
  if (typeof backoff === "number") checkDuration(backoff, "retry", "backoff");
  else if (typeof backoff === "object" && backoff !== null) {
    checkDuration(backoff.initial, "retry", "backoff.initial");
    if (backoff.max !== undefined) checkDuration(backoff.max, "retry", "backoff.max");
    const factor: unknown = backoff.factor;
    if (factor !== undefined && (typeof factor !== "number" || !(factor >= 1) || factor === Infinity)) {
      throw new UsageError(`retry: options.backoff.factor must be a finite number >= 1, got ${String(factor)}`);
    }
  } else if (backoff !== undefined && typeof backoff !== "function") {
    throw new UsageError(
      `retry: options.backoff must be milliseconds, { initial, factor?, max? } or (retry, error) => ms, got ${typeof backoff}`,
    );
  }
  if (retryIf !== undefined && typeof retryIf !== "function") {
    throw new UsageError(
      `retry: options.retryIf must be a function (error, attempt) => boolean, got ${typeof retryIf}`,
    );
  }
  return options;
}
