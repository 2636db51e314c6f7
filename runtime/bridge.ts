import type { Cx } from "./cx.ts";
import { UsageError } from "./errors.ts";
import { fromPromise, type FromPromiseOptions } from "./from-promise.ts";

/**
 * Turn a legacy Promise function into a scoped one, once, instead of wrapping every call in `fromPromise`. The
 * function receives the scope's `AbortSignal` first, so where the legacy API takes it stays explicit:
 * `bridge((signal, url) => fetch(url, { signal }))` gives `(cx, url) => Promise<Response>`. Each call is a
 * `fromPromise`: a checkpoint, cancellation aborts the signal and waits for the work to stop (bounded by
 * `options.detachAfter`; `onCancel` is passed on too).
 * @example
 * const getJson = bridge(async (signal, url: string) => (await fetch(url, { signal })).json());
 * const user = await failAfter(cx, 2_000, (cx) => getJson(cx, "/users/42"));
 */
export function bridge<A extends unknown[], R>(
  fn: (signal: AbortSignal, ...args: A) => PromiseLike<R> | R,
  options: FromPromiseOptions = {},
): (cx: Cx, ...args: A) => Promise<R> {
  if (typeof fn !== "function") throw new UsageError(`bridge(fn): fn must be a function (signal, ...args) => promise`);
  return (cx: Cx, ...args: A): Promise<R> => fromPromise(cx, (signal) => fn(signal, ...args), options);
}
