import { holding } from "./cancel-scope.ts";
import type { Cx } from "./cx.ts";
import { isCancelled, UsageError } from "./errors.ts";
import { NurseryImpl, withNursery } from "./nursery.ts";
import type { TaskEnd } from "./internal/spawn.ts";
import { taskOf } from "./internal/task.ts";

/** A function run as a task by `all` and `race`. */
export type Thunk<T = unknown> = (cx: Cx) => Promise<T> | T;

/** The results of `all`, element by element, as `Promise.all` gives them. */
export type AllResults<F extends readonly Thunk[]> = { -readonly [K in keyof F]: Awaited<ReturnType<F[K]>> };

/** The results of `all` with `{ settle: true }`, element by element, as `Promise.allSettled` gives them. */
export type SettledResults<F extends readonly Thunk[]> = {
  -readonly [K in keyof F]: PromiseSettledResult<Awaited<ReturnType<F[K]>>>;
};

export interface AllOptions {
  /**
   * `Promise.allSettled`'s shape: every thunk runs to its end and its outcome is recorded, a failure cancels nobody.
   * A `Cancelled` is never recorded as an outcome: cancellation of the caller still stops every thunk and is thrown.
   */
  settle?: boolean;
}

/**
 * `Promise.all` on nursery semantics: runs every thunk as a task and resolves to their results in order. When one
 * fails, the others are cancelled and awaited, then the first failure is rethrown unchanged. With `{ settle: true }`
 * it has `Promise.allSettled`'s shape instead.
 * @example
 * const [user, orders] = await all(cx, [(cx) => loadUser(cx, id), (cx) => loadOrders(cx, id)]);
 * const outcomes = await all(cx, urls.map((url) => (cx) => fetchPage(cx, url)), { settle: true });
 */
export function all<const F extends readonly Thunk[]>(cx: Cx, thunks: F, options: AllOptions & { settle: true }): Promise<SettledResults<F>>;
export function all<const F extends readonly Thunk[]>(cx: Cx, thunks: F, options?: AllOptions): Promise<AllResults<F>>;
export function all(cx: Cx, thunks: readonly Thunk[], options: AllOptions = {}): Promise<unknown[]> {
  return holding(cx, () => allIn(cx, thunks, options));
}

async function allIn(cx: Cx, thunks: readonly Thunk[], options: AllOptions): Promise<unknown[]> {
  taskOf(cx, "all");
  checkThunks("all", thunks);
  const settle = options.settle === true;
  const results = new Array<unknown>(thunks.length);
  await withNursery(cx, (nursery) => {
    const impl = nursery as NurseryImpl;
    thunks.forEach((thunk, index) => {
      const end: TaskEnd = {
        onReturned(value) {
          results[index] = settle ? { status: "fulfilled", value } : value;
          impl.onReturned(value);
        },
        onFailed(error) {
          if (settle && !isCancelled(error)) {
            results[index] = { status: "rejected", reason: error };
            impl.onReturned(undefined);
          } else impl.onFailed(error);
        },
      };
      impl.startWith(thunk, [], end);
    });
  });
  return results;
}

/** Throw a UsageError naming `operation` unless `thunks` is an array of functions. */
export function checkThunks(operation: string, thunks: unknown): asserts thunks is readonly Thunk[] {
  if (!Array.isArray(thunks)) {
    throw new UsageError(`${operation}(cx, thunks): thunks must be an array of functions (cx) => promise`);
  }
  const bad = thunks.findIndex((thunk) => typeof thunk !== "function");
  if (bad >= 0) {
    throw new UsageError(
      `${operation}(cx, thunks): thunks[${bad}] is a ${typeof thunks[bad]}, not a function. Wrap each call: ` +
        "() => work(cx) instead of work(cx), so the work runs as a task that can be cancelled.",
    );
  }
}
