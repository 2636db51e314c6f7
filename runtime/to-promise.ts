import { withCancelScope } from "./cancel-scope.ts";
import type { Cx } from "./cx.ts";
import { UsageError } from "./errors.ts";
import type { TaskFn } from "./internal/spawn.ts";
import { loopContext } from "./internal/loop-context.ts";
import { isLoop, type Loop } from "./loop.ts";
import { run } from "./run.ts";

export interface ToPromiseOptions {
  /**
   * The loop the task runs in. Without one: the loop the caller is inside, found by `corral/node`'s
   * `currentLoop()` once `installLoopHooks()` ran; else each call runs in a fresh root `run` (unless `strict`).
   */
  loop?: Loop;
  /**
   * Aborting it cancels the running task; the caller's promise then rejects with the signal's reason. `undefined` is
   * no signal, so an optional signal of the caller's can be passed on as it is (`{ signal }`), with
   * `exactOptionalPropertyTypes` too.
   */
  signal?: AbortSignal | undefined;
  /** Refuse to run without a loop instead of starting a fresh root run. */
  strict?: boolean;
}

/**
 * A Promise-returning version of a scoped function, for legacy callers: trio-asyncio's `trio_as_aio`. Each call runs
 * `fn(cx, ...args)` as a task, in `options.loop` or else in a fresh root run, and settles only after the task has
 * exited, with its value or its error.
 * @example
 * legacyRouter.get("/users/:id", (req) => toPromise(loadUser, { loop })(req.params.id));
 */
export function toPromise<A extends unknown[], R>(
  fn: (cx: Cx, ...args: A) => Promise<R> | R,
  options: ToPromiseOptions = {},
): (...args: A) => Promise<R> {
  if (typeof fn !== "function") throw new UsageError(`toPromise(fn): fn must be a scoped function, got ${typeof fn}`);
  const { loop: given, signal, strict = false } = options;
  if (given !== undefined && !isLoop(given)) {
    throw new UsageError("toPromise: options.loop must be a Loop from openLoop");
  }
  const task = (cx: Cx, ...args: A): Promise<R> => underSignal(cx, fn, args, signal);
  return (...args: A): Promise<R> => {
    const loop = given ?? loopContext.current();
    if (isLoop(loop)) return loop.call(task as TaskFn, args) as Promise<R>;
    if (strict) {
      return Promise.reject(
        new UsageError("toPromise: no corral loop to run in (strict); pass { loop } from openLoop or run the caller in corral"),
      );
    }
    return run((cx) => task(cx, ...args));
  };
}

/** Run `fn` so that aborting `signal` cancels it, and the caller then sees the signal's reason (as fetch does). */
async function underSignal<A extends unknown[], R>(
  cx: Cx,
  fn: (cx: Cx, ...args: A) => Promise<R> | R,
  args: A,
  signal: AbortSignal | undefined,
): Promise<R> {
  if (signal === undefined) return fn(cx, ...args);
  if (signal.aborted) throw signal.reason;
  const outcome = await withCancelScope(cx, async (cx, scope) => {
    const onAbort = (): void => scope.cancel(signal.reason);
    signal.addEventListener("abort", onAbort, { once: true });
    try {
      return { value: await fn(cx, ...args) };
    } finally {
      signal.removeEventListener("abort", onAbort);
    }
  });
  if (outcome === undefined) throw signal.reason;
  return outcome.value;
}
