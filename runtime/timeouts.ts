/**
 * Timeouts and shields: thin policies on the cancel scope. `moveOnAfter` gives up quietly, `failAfter` loudly,
 * `shield` protects cleanup from outside cancellation.
 */
import { holding, openScope, runInScope, scoped, type ScopeBody } from "./cancel-scope.ts";
import type { Cx } from "./cx.ts";
import { TooSlowError, UsageError } from "./errors.ts";
import { taskOf } from "./internal/task.ts";

/**
 * Run `body` with a timeout; on timeout, cancel it and resolve `undefined` (the scope's `cancelledCaught` is set).
 * @example
 * const page = await moveOnAfter(cx, 2_000, (cx) => fetchPage(cx, url));
 * if (page === undefined) useCachedPage();
 */
export function moveOnAfter<T>(cx: Cx, ms: number, body: ScopeBody<T>): Promise<T | undefined> {
  return scoped(cx, "moveOnAfter", { timeout: ms }, body);
}

/** Like {@link moveOnAfter} with an absolute deadline on the run's clock. */
export function moveOnAt<T>(cx: Cx, deadline: number, body: ScopeBody<T>): Promise<T | undefined> {
  return scoped(cx, "moveOnAt", { deadline }, body);
}

/** Options of `failAfter` and `failAt`. */
export interface FailOptions {
  /**
   * Make the error thrown on timeout, instead of a {@link TooSlowError}: for code whose callers already expect an
   * error of their own (the `--to scoped` codemod keeps a `Promise.race` timeout's error this way).
   */
  error?: () => unknown;
}

/**
 * Run `body` with a timeout; on timeout, cancel it and throw {@link TooSlowError}, whose stack points at this call
 * (or what `options.error` makes).
 * @throws TooSlowError when the deadline passed before the body finished
 * @example
 * const rows = await failAfter(cx, 5_000, (cx) => query(cx, sql));
 * const page = await failAfter(cx, 1_000, (cx) => load(cx), { error: () => new Error("timed out") });
 */
export function failAfter<T>(cx: Cx, ms: number, body: ScopeBody<T>, options: FailOptions = {}): Promise<T> {
  return holding(cx, () => failIn(cx, "failAfter", { timeout: ms }, body, options, `failAfter(cx, ${ms}, ...)`, failAfter));
}

/** Like {@link failAfter} with an absolute deadline on the run's clock. */
export function failAt<T>(cx: Cx, deadline: number, body: ScopeBody<T>, options: FailOptions = {}): Promise<T> {
  return holding(cx, () => failIn(cx, "failAt", { deadline }, body, options, `failAt(cx, ${deadline}, ...)`, failAt));
}

/**
 * Run `body` where cancellation from outside cannot reach it, for cleanup that must complete (closing a
 * connection, writing a final record). Put a timeout on it so it cannot hang forever. Resolves to the body's value;
 * as with `withNursery`, only cancelling the shield's own scope by hand (`scope.cancel()`, or a `scope.deadline`
 * that passes) while the body runs makes it resolve `undefined`: a body that does that says so in its return type.
 * @example
 * finally { await shield(cx, (cx) => moveOnAfter(cx, 1_000, (cx) => conn.close(cx))); }
 */
export function shield<T>(cx: Cx, body: ScopeBody<T>): Promise<T> {
  // Nothing from outside reaches the body, so `undefined` comes only from the hand cancel the TSDoc names.
  return scoped(cx, "shield", { shield: true }, body) as Promise<T>;
}

async function failIn<T>(
  cx: Cx,
  operation: string,
  options: { timeout: number } | { deadline: number },
  body: ScopeBody<T>,
  { error }: FailOptions,
  call: string,
  api: Function,
): Promise<T> {
  const task = taskOf(cx, operation);
  if (typeof body !== "function") throw new UsageError(`${operation}: the body must be a function, got ${typeof body}`);
  if (error !== undefined && typeof error !== "function") {
    throw new UsageError(`${operation}: options.error must be a function () => error, got ${typeof error}`);
  }
  const scope = openScope(task, options, operation);
  // Made before the first await, so its stack is the caller's (p-timeout does the same).
  const tooSlow = new TooSlowError(
    `${call} timed out: the body was still running at its deadline and was cancelled. ` +
      "Give it more time, make the work faster, or use moveOnAfter to carry on without the result.",
  );
  (Error as { captureStackTrace?: (target: object, fn: Function) => void }).captureStackTrace?.(tooSlow, api);
  const value = await runInScope(task, scope, body);
  if (scope.cancelledCaught) throw error === undefined ? tooSlow : error();
  return value as T;
}
