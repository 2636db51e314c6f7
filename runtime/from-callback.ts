import type { Cx } from "./cx.ts";
import { UsageError } from "./errors.ts";
import { enter } from "./internal/blocking.ts";
import { fromPromise } from "./from-promise.ts";

/** Node's `util.promisify.custom`, read through the global registry so the core imports nothing from `node:`. */
const promisifyCustom: unique symbol = Symbol.for("nodejs.util.promisify.custom") as never;

/** An err-first callback API: called as `fn(...args, (err, ...values) => ...)`. */
export type CallbackFn = (...args: any[]) => unknown;

/**
 * Call an err-first callback API from scoped code, as a checkpoint. Resolves with the callback's value, or with an
 * array of them when it passes more than one (`(err, a, b)` gives `[a, b]`); rejects with `err`. A function with
 * `util.promisify.custom` (as `setTimeout`, `dns.lookup` have) is called through it. A callback API cannot be
 * stopped, so on cancellation it is detached: `Cancelled` is thrown at once and a late callback is ignored. Bind
 * methods first: `fromCallback(cx, fs.readFile, path)` works, `fromCallback(cx, db.get.bind(db), key)` for a method.
 * @throws what the callback passes as `err`; `Cancelled` once cancelled; UsageError if `fn` is not a function
 * @example
 * const text = await fromCallback<string>(cx, fs.readFile, "config.json", "utf8");
 */
export function fromCallback<T = unknown>(cx: Cx, fn: CallbackFn, ...args: unknown[]): Promise<T> {
  try {
    enter(cx, "fromCallback");
    if (typeof fn !== "function") {
      throw new UsageError(`fromCallback(cx, fn, ...args): fn must be an err-first callback API, got ${typeof fn}`);
    }
    const custom = (fn as { [promisifyCustom]?: unknown })[promisifyCustom];
    if (typeof custom === "function") return fromPromise(cx, Promise.resolve(custom(...args) as T));
    return fromPromise(cx, callInto<T>(fn, args));
  } catch (error) {
    return Promise.reject(error);
  }
}

/** Call `fn(...args, callback)` and settle with the first call of the callback; later calls are ignored. */
function callInto<T>(fn: CallbackFn, args: unknown[]): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    let called = false;
    fn(...args, (error: unknown, ...values: unknown[]) => {
      if (called) return;
      called = true;
      if (error) reject(error);
      else resolve((values.length > 1 ? values : values[0]) as T);
    });
  });
}
