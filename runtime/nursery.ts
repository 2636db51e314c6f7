import { enterScope, holding, leaveScope, type CancelScope } from "./cancel-scope.ts";
import { ChildImpl, type Child } from "./child.ts";
import type { Cx } from "./cx.ts";
import { MultiError, UsageError, isCancelled } from "./errors.ts";
import { Scope } from "./internal/scope.ts";
import { spawn, type TaskEnd, type TaskFn } from "./internal/spawn.ts";
import { startReady, type ReadyFn } from "./internal/start-ready.ts";
import { taskOf, type Task } from "./internal/task.ts";

/** The handle a `withNursery` body receives, to start tasks that the nursery waits for. */
export interface Nursery {
  /**
   * Start `fn(childCx, ...args)` as a child task. It runs synchronously up to its first `await`; the nursery
   * waits for it; if it fails, the nursery cancels everything else in it and rethrows the failure.
   * @throws UsageError when the nursery has already closed
   */
  start<A extends unknown[]>(fn: (cx: Cx, ...args: A) => unknown, ...args: A): void;
  /**
   * Start `fn(childCx, ...args)` as {@link start} does, and return a handle whose `result(cx)` waits for its value:
   * a child's result without a variable and a closure to carry it out.
   * @throws UsageError when the nursery has already closed
   * @example
   * const user = n.startWithResult(loadUser, id);
   * const orders = n.startWithResult(loadOrders, id);
   * return { user: await user.result(cx), orders: await orders.result(cx) };
   */
  startWithResult<T, A extends unknown[]>(fn: (cx: Cx, ...args: A) => Promise<T> | T, ...args: A): Child<T>;
  /**
   * Start `fn(childCx, ready, ...args)` and wait until it calls `ready(value)`; resolves to that value (a server
   * reports it is listening, say). Until then the child runs under the cancel scopes of the nursery's own task at
   * the time of this call (call it from the nursery's body) and its failure comes out of `startReady`;
   * after `ready` it belongs to the nursery.
   * @throws whatever the child throws before `ready`; UsageError if it returns without calling `ready`
   */
  startReady<T, A extends unknown[]>(fn: ReadyFn<T, A>, ...args: A): Promise<T>;
  /**
   * The nursery's cancel scope: `n.cancelScope.cancel()` stops the body and every child, and the nursery absorbs
   * it; if the body had not returned yet, `withNursery` resolves `undefined` (see there).
   */
  readonly cancelScope: CancelScope;
  /** The context of the task that opened the nursery. */
  readonly cx: Cx;
}

export type { Ready, ReadyFn } from "./internal/start-ready.ts";

/**
 * Open a nursery, run `body` in it, and return only when the body and every task started in it have finished.
 * The first failure cancels the rest and is rethrown unchanged once everything has stopped; later failures are
 * kept on it (see `MultiError`). Resolves to the body's value.
 *
 * The type is exact because only one thing can leave the body without a value and the nursery without an error:
 * cancelling the nursery's own scope by hand (`n.cancelScope.cancel()`, or a `n.cancelScope.deadline` that passes)
 * while the body is still running. The nursery absorbs that cancellation, as in Trio, and then resolves `undefined`.
 * A body that returns a value and may be stopped that way says so in its return type
 * (`async (n): Promise<Page | undefined> => ...`), or puts the part that may give up in `moveOnAfter` or
 * `withCancelScope`, whose types include `undefined`. Cancellation from outside (a `failAfter` around it, a parent
 * scope) is not absorbed here: it propagates, so it never yields `undefined`.
 * @example
 * await withNursery(cx, async (n) => {
 *   n.start(serveHttp, port);
 *   n.start(refreshCache);
 * });
 */
export function withNursery<T>(cx: Cx, body: (nursery: Nursery) => Promise<T> | T): Promise<T> {
  // `undefined` only in the case the TSDoc names, which a type cannot see: see above.
  return holding(cx, () => nurseryIn(cx, body)) as Promise<T>;
}

async function nurseryIn<T>(cx: Cx, body: (nursery: Nursery) => Promise<T> | T): Promise<T | undefined> {
  const task = taskOf(cx, "withNursery");
  if (typeof body !== "function") throw new UsageError(`withNursery: the body must be a function, got ${typeof body}`);
  const nursery = new NurseryImpl(task);
  enterScope(task, nursery.scope);
  let value: T | undefined;
  try {
    value = await body(nursery);
  } catch (error) {
    nursery.record(error);
  }
  await nursery.join();
  const misuse = leaveScope(task, nursery.scope);
  if (misuse !== undefined) nursery.record(misuse);
  return nursery.outcome(value);
}

/**
 * @internal The nursery behind the public handle; `all`, `race` and `startReady` use it directly.
 * Every child reports to the same two functions, {@link childReturned} and {@link childFailed}.
 */
export class NurseryImpl implements Nursery, TaskEnd {
  readonly scope: Scope;
  /** Children started and not yet finished (a task dump reads it too). */
  live = 0;
  private bodyDone = false;
  private closed = false;
  private failures: unknown[] | null = null;
  private cancelled: unknown = undefined;
  private joined: (() => void) | null = null;

  constructor(readonly owner: Task) {
    this.scope = new Scope(owner.run);
    this.scope.nursery = this;
  }

  get cancelScope(): CancelScope {
    return this.scope;
  }

  get cx(): Cx {
    return this.owner;
  }

  start<A extends unknown[]>(fn: (cx: Cx, ...args: A) => unknown, ...args: A): void {
    this.startWith(fn, args, this);
  }

  startWithResult<T, A extends unknown[]>(fn: (cx: Cx, ...args: A) => Promise<T> | T, ...args: A): Child<T> {
    this.checkOpen("startWithResult", fn);
    const child = new ChildImpl<T>(this);
    this.startWith(fn, args, child);
    return child;
  }

  /** Start a task that reports to `end` (which reports on to this nursery), as `all` and `race` do. */
  startWith(fn: TaskFn, args: readonly unknown[], end: TaskEnd): void {
    this.startIn(this.scope, fn, args, end);
  }

  /** {@link startWith} in `scope`, a scope below this nursery's (a loop's tasks run in one of their own). */
  startIn(scope: Scope, fn: TaskFn, args: readonly unknown[], end: TaskEnd): void {
    this.checkOpen("start", fn);
    this.live++;
    spawn(scope, end, fn, args);
  }

  startReady<T, A extends unknown[]>(fn: ReadyFn<T, A>, ...args: A): Promise<T> {
    try {
      this.checkOpen("startReady", fn);
    } catch (error) {
      return Promise.reject(error);
    }
    const caller = this.bodyDone ? this.scope : this.owner.scope;
    return startReady(this, caller, fn, args);
  }

  /** A `startReady` child called `ready`: from now on this nursery waits for it. */
  adopt(): void {
    this.checkOpen("ready", undefined);
    this.live++;
  }

  readonly onReturned = (_value?: unknown): void => {
    if (--this.live === 0 && this.bodyDone) this.close();
  };

  readonly onFailed = (error: unknown): void => {
    this.record(error);
    this.onReturned();
  };

  /** Keep a failure of the body or a child; the first real one cancels the nursery. */
  record(error: unknown): void {
    if (isCancelled(error)) {
      this.cancelled ??= error;
      return;
    }
    (this.failures ??= []).push(error);
    this.scope.cancelWith("nursery", error);
  }

  private close(): void {
    this.closed = true;
    this.joined?.();
  }

  /** Mark the body finished and wait for the children. */
  join(): Promise<void> | undefined {
    this.bodyDone = true;
    if (this.live === 0) {
      this.close();
      return undefined;
    }
    return new Promise<void>((resolve) => (this.joined = resolve));
  }

  /** The nursery's result once everything has finished: the value, or the failure to throw. */
  outcome<T>(value: T | undefined): T | undefined {
    const failures = this.failures;
    if (failures !== null) {
      const [first, ...others] = failures;
      if (others.length === 0) throw first;
      if (this.owner.run.strict) throw new MultiError(failures);
      throw MultiError.keep(first, others);
    }
    if (this.cancelled !== undefined) {
      if (!this.scope.absorbs(this.cancelled)) throw this.cancelled;
      this.scope.cancelledCaught = true;
    }
    return value;
  }

  private checkOpen(operation: string, fn: unknown): void {
    if (this.closed) {
      throw new UsageError(
        `nursery.${operation}: this nursery has closed (its body and all its tasks finished), so it takes no new ` +
          "tasks. Start the task from inside the withNursery body or from one of its running tasks.",
      );
    }
    if (fn !== undefined && typeof fn !== "function") {
      throw new UsageError(`nursery.${operation}: expected a function to run as fn(cx, ...args), got ${typeof fn}`);
    }
  }
}
