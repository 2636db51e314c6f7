import type { Cx } from "./cx.ts";
import { MultiError, UsageError } from "./errors.ts";
import { sweep } from "./internal/sweep.ts";
import { Scope } from "./internal/scope.ts";
import { isTask, taskOf, type Task } from "./internal/task.ts";

/**
 * A region of a task that can be cancelled as a unit, by `cancel()` or by its deadline. When its cancellation
 * reaches a checkpoint inside, `Cancelled` is raised there and absorbed here on the way out.
 */
export interface CancelScope {
  /** Cancel everything inside, now and at every later checkpoint until the scope is left. Idempotent. */
  cancel(reason?: unknown): void;
  /** Absolute deadline on the run's clock (`Infinity` for none). Settable while running, earlier or later. */
  deadline: number;
  /** While true, cancellation from outside does not reach inside; the scope's own deadline and `cancel` still do. */
  shield: boolean;
  /** Whether `cancel()` was called or the deadline passed. */
  readonly cancelCalled: boolean;
  /** Whether this scope absorbed a `Cancelled` when it was left. */
  readonly cancelledCaught: boolean;
}

/** Options of `withCancelScope`: at most one of `timeout` and `deadline`, and `shield`. */
export interface CancelScopeOptions {
  /** Relative deadline: this many milliseconds from now. */
  timeout?: number;
  /** Absolute deadline on the run's clock (`cx.now()` scale). */
  deadline?: number;
  /** Block cancellation from outside (for cleanup that must finish). */
  shield?: boolean;
}

/** The body of a cancel scope: receives the same task's `cx` and the scope. */
export type ScopeBody<T> = (cx: Cx, scope: CancelScope) => Promise<T> | T;

/**
 * Run `body` inside a new cancel scope. Resolves to the body's value, or to `undefined` when the scope absorbed a
 * cancellation (its own `cancel()` or deadline). Cancellation from outside propagates as `Cancelled`.
 *
 * @param cx - the current task's context
 * @param options - `timeout` (ms from now) or `deadline` (absolute), and `shield`
 * @param body - runs in the new scope
 * @throws whatever `body` throws, except a `Cancelled` this scope absorbs
 * @example
 * const user = await withCancelScope(cx, { timeout: 500 }, (cx) => loadUser(cx, id));
 * if (user === undefined) console.log("gave up after 500 ms");
 */
export function withCancelScope<T>(cx: Cx, body: ScopeBody<T>): Promise<T | undefined>;
export function withCancelScope<T>(cx: Cx, options: CancelScopeOptions, body: ScopeBody<T>): Promise<T | undefined>;
export function withCancelScope<T>(
  cx: Cx,
  optionsOrBody: CancelScopeOptions | ScopeBody<T>,
  maybeBody?: ScopeBody<T>,
): Promise<T | undefined> {
  const [options, body] =
    typeof optionsOrBody === "function" ? [{}, optionsOrBody] : [optionsOrBody, maybeBody];
  return scoped(cx, "withCancelScope", options, body);
}

/**
 * Call `open`, the start of a scope function (withNursery, withCancelScope, all, ...), and record the promise it
 * returns on the scope it entered on `cx`'s task, as the promise the caller holds. If the caller never awaits it (a
 * forgotten `await`), the scope around reports the misuse when it is left, and the sweep marks this promise handled:
 * the misuse is reported once, not again as an unhandled rejection that ends the process. The outermost call wins
 * (`all` records its own promise over the `withNursery` it awaits).
 */
export function holding<T>(cx: Cx, open: () => Promise<T>): Promise<T> {
  const before = isTask(cx) ? cx.scope : null;
  const promise = open();
  if (before === null) return promise;
  // The body may have entered scopes of its own synchronously: the one this call entered is the one below `before`.
  let scope: Scope | null = (cx as Task).scope;
  while (scope !== null && scope.parent !== before) scope = scope.parent;
  if (scope !== null) scope.holder = promise;
  return promise;
}

/** Validate, open a scope with `options` and run `body` in it; misuse rejects the returned promise. */
export function scoped<T>(
  cx: Cx,
  operation: string,
  options: CancelScopeOptions,
  body: ScopeBody<T> | undefined,
): Promise<T | undefined> {
  try {
    const task = taskOf(cx, operation);
    if (typeof body !== "function") throw new UsageError(`${operation}: the body must be a function, got ${typeof body}`);
    return holding(cx, () => runInScope(task, openScope(task, options, operation), body));
  } catch (error) {
    return Promise.reject(error);
  }
}

/** Create a scope for `task` from options, validating them. Not yet entered. */
export function openScope(task: Task, options: CancelScopeOptions, operation: string): Scope {
  const { timeout, deadline, shield = false } = options;
  if (timeout !== undefined && deadline !== undefined) {
    throw new UsageError(`${operation}: pass either timeout or deadline, not both`);
  }
  const scope = new Scope(task.run, shield);
  scope.opener = operation;
  if (timeout !== undefined) {
    checkDuration(timeout, operation, "timeout");
    scope.deadline = task.now() + timeout;
  } else if (deadline !== undefined) {
    checkTime(deadline, operation);
    scope.deadline = deadline;
  }
  return scope;
}

/**
 * Enter `scope` on `task`, run `body`, leave. Resolves to `undefined` when the scope absorbed the body's failure.
 * Leaving out of order (two scope bodies running concurrently on one cx) is reported, not hidden.
 */
export async function runInScope<T>(task: Task, scope: Scope, body: ScopeBody<T>): Promise<T | undefined> {
  enterScope(task, scope);
  let value: T;
  try {
    value = await body(task, scope);
  } catch (error) {
    const misuse = leaveScope(task, scope);
    if (scope.absorbs(error)) {
      scope.cancelledCaught = true;
      if (misuse !== undefined) throw misuse;
      return undefined;
    }
    throw misuse === undefined ? error : MultiError.keep(error, [misuse]);
  }
  const misuse = leaveScope(task, scope);
  if (misuse !== undefined) throw misuse;
  return value;
}

/** Push `scope` onto `task`, below its innermost scope. */
export function enterScope(task: Task, scope: Scope): void {
  scope.attach(task.liveScope("entering a scope"));
  scope.owner = task;
  task.scope = scope;
}

/** Leave `scope`, which must be `task`'s innermost; returns what was left behind or done out of order. */
export function leaveScope(task: Task, scope: Scope): UsageError | undefined {
  const leftBehind = sweep(scope, "a scope");
  scope.detach();
  // The task's innermost scope is this one, or one it left open below it that the sweep has just closed.
  if (task.scope === scope || (leftBehind !== undefined && !task.scope.open)) {
    task.scope = scope.parent!;
    return leftBehind;
  }
  return new UsageError(
    "cancel scopes were left out of order: two scope bodies (withCancelScope, withNursery, moveOnAfter, ...) ran " +
      "concurrently on the same cx. A task does one thing at a time; start concurrent work in a nursery.",
  );
}

/** Throw a UsageError naming `operation` unless `ms` is a number of milliseconds >= 0. */
export function checkDuration(ms: unknown, operation: string, what = "duration"): asserts ms is number {
  if (typeof ms !== "number" || Number.isNaN(ms) || ms < 0) {
    throw new UsageError(
      `${operation} was given ${describe(ms)} as its ${what}; expected a number of milliseconds >= 0 (Infinity for none)`,
    );
  }
}

/** Throw a UsageError naming `operation` unless `at` is a time on the run's clock. */
export function checkTime(at: unknown, operation: string): asserts at is number {
  if (typeof at !== "number" || Number.isNaN(at)) {
    throw new UsageError(
      `${operation} was given ${describe(at)} as its deadline; expected a time in milliseconds on the run's clock (see cx.now())`,
    );
  }
}

function describe(value: unknown): string {
  return typeof value === "number" ? `${value} ms` : `${typeof value} ${String(value)}`;
}
