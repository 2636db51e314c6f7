import type { Cx } from "./cx.ts";
import { FalsyRejectionError, UsageError } from "./errors.ts";
import { toPromise, type ToPromiseOptions } from "./to-promise.ts";

/**
 * An err-first callback. The error is typed `any`, as Node's own callback types are loose there: a legacy callback
 * declared `(err: Error | null) => void` or `(err: NodeJS.ErrnoException | null) => void` must fit.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type NodeCallback<R> = (error: any, value?: R) => void;

/**
 * An err-first callback version of a scoped function, for legacy callers: `(...args, callback)`. Runs like
 * {@link toPromise}; the callback is called once the task has exited, outside the promise chain, so an exception it
 * throws surfaces as an uncaught exception (as with any callback API) instead of vanishing. A failure with a falsy
 * value (`throw undefined`, `null`, `0`, `""`) reaches the callback as an error with code `ERR_FALSY_VALUE_REJECTION`
 * and the value as its `reason`, as `util.callbackify` does, never as success.
 * @example
 * app.get("/users/:id", (req, res) => toCallback(loadUser, { loop })(req.params.id, (err, user) => res.json(user)));
 */
export function toCallback<A extends unknown[], R>(
  fn: (cx: Cx, ...args: A) => Promise<R> | R,
  options: ToPromiseOptions = {},
): (...argsAndCallback: [...A, NodeCallback<R>]) => void {
  const call = toPromise(fn, options);
  return (...argsAndCallback: [...A, NodeCallback<R>]): void => {
    const callback = argsAndCallback.pop();
    if (typeof callback !== "function") {
      throw new UsageError("toCallback: the last argument must be an err-first callback (err, value) => ...");
    }
    const args = argsAndCallback as unknown as A;
    call(...args).then(
      (value) => queueMicrotask(() => (callback as NodeCallback<R>)(null, value)),
      (error: unknown) => {
        const reported = error || new FalsyRejectionError(error, "toCallback");
        queueMicrotask(() => (callback as NodeCallback<R>)(reported));
      },
    );
  };
}
