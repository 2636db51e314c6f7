import { yieldNow } from "./checkpoint.ts";
import type { Cx } from "./cx.ts";
import { BrokenResourceError, UsageError, WouldBlock } from "./errors.ts";
import { enter } from "./internal/blocking.ts";
import { watchEnd } from "./internal/task-end.ts";
import { interrupt, park, wake } from "./internal/park.ts";
import { hold, runHeld, type Held, type HeldFn } from "./internal/run-held.ts";
import { taskOf, type Task } from "./internal/task.ts";
import { WaitQueue } from "./internal/wait-queue.ts";

/**
 * A mutual-exclusion lock with Trio's rules: fair (first come, first served: `release` hands the lock straight to
 * the longest waiter), not re-entrant, and owned: only the task that acquired it may release it. If the holding
 * task ends without releasing, the lock is broken: waiters, and every later `acquire`, get `BrokenResourceError`
 * (as in Trio), instead of waiting forever for a release that cannot come.
 * @example
 * await lock.withLock(cx, (cx) => writeRecord(cx, record));
 * // the same without a callback: released at the end of the block
 * { using _held = await lock.hold(cx); await writeRecord(cx, record); }
 * // the same by hand:
 * await lock.acquire(cx);
 * try { await writeRecord(cx, record); } finally { lock.release(cx); }
 */
export class Lock {
  private owner: Task | null = null;
  /** Tasks whose end this lock already watches (see task-end.ts). */
  private readonly watched = new WeakSet<Task>();
  private broken = false;
  private readonly waiters = new WaitQueue("lock.acquire", this);

  /** Whether some task holds the lock. */
  locked(): boolean {
    return this.owner !== null;
  }

  /**
   * Wait for the lock and take it. A checkpoint: if cancelled before the lock was taken, throws `Cancelled` and does
   * not hold it.
   * @throws UsageError if this task already holds it; BrokenResourceError if a holder ended without releasing
   */
  acquire(cx: Cx): Promise<void> {
    try {
      const task = enter(cx, "lock.acquire");
      if (this.tryTake(task, "lock.acquire")) return yieldNow();
      const acquired = park<void>(task, this.waiters);
      this.waiters.push(task.wait!);
      return acquired;
    } catch (error) {
      return Promise.reject(error);
    }
  }

  /**
   * Wait for the lock, run `fn(cx, ...args)` holding it, and release it however `fn` ends: `acquire` and `release`
   * around a `try`/`finally`, written once. Resolves to what `fn` returns; throws what it throws.
   * @throws as {@link acquire}; UsageError if `fn` is not a function
   * @example
   * const balance = await accounts.withLock(cx, (cx) => transfer(cx, from, to, amount));
   */
  withLock<T, A extends unknown[]>(cx: Cx, fn: HeldFn<T, A>, ...args: A): Promise<T> {
    return runHeld(this, "lock.withLock", cx, fn, args);
  }

  /**
   * Wait for the lock and take it, as {@link acquire}; resolves to what a `using` declaration releases at the end of
   * its block, however the block ends: `withLock` without a callback, where a `return`, `break` or `continue` inside
   * should leave the enclosing function or loop.
   * @throws as {@link acquire}
   * @example
   * for (const record of records) {
   *   using _held = await lock.hold(cx);
   *   if (await exists(cx, record)) continue; // released here too
   *   await writeRecord(cx, record);
   * }
   */
  hold(cx: Cx): Promise<Held> {
    return hold(this, cx, "lock.hold");
  }

  /**
   * Take the lock now or throw `WouldBlock`. Not a checkpoint.
   * @throws WouldBlock when another task holds it or tasks are already waiting for it
   */
  acquireNowait(cx: Cx): void {
    const task = taskOf(cx, "lock.acquireNowait");
    if (!this.tryTake(task, "lock.acquireNowait")) {
      throw new WouldBlock("lock.acquireNowait: the lock is held by another task; use acquire(cx) to wait for it");
    }
  }

  /**
   * Release the lock, handing it to the longest waiter if there is one. Not a checkpoint.
   * @throws UsageError if this task does not hold the lock
   */
  release(cx: Cx): void {
    const task = taskOf(cx, "lock.release");
    if (this.owner !== task) {
      throw new UsageError(
        this.owner === null
          ? "lock.release: the lock is not held; release only after a successful acquire, once"
          : "lock.release: another task holds this lock; only the task that acquired it may release it",
      );
    }
    const next = this.waiters.shift();
    if (next === null) {
      this.owner = null;
      return;
    }
    this.take(next.task);
    wake(next.task, undefined);
  }

  statistics(): { locked: boolean; owner: Cx | null; tasksWaiting: number } {
    return { locked: this.owner !== null, owner: this.owner, tasksWaiting: this.waiters.size };
  }

  /** The owner ended still holding the lock: break it. */
  private holderEnded(task: Task): void {
    if (this.owner !== task) return;
    this.owner = null;
    this.broken = true;
    for (let waiter = this.waiters.peek(); waiter !== null; waiter = this.waiters.peek()) {
      interrupt(waiter.task, brokenError("lock.acquire"));
    }
  }

  private tryTake(task: Task, operation: string): boolean {
    if (this.broken) throw brokenError(operation);
    if (this.owner === task) {
      throw new UsageError(`${operation}: this task already holds the lock; a Lock is not re-entrant`);
    }
    if (this.owner !== null || this.waiters.size > 0) return false;
    this.take(task);
    return true;
  }

  private take(task: Task): void {
    this.owner = task;
    if (this.watched.has(task)) return;
    this.watched.add(task);
    watchEnd(task, () => this.holderEnded(task));
  }
}

function brokenError(operation: string): BrokenResourceError {
  return new BrokenResourceError(
    `${operation}: the task that held this lock ended without releasing it, so what it protects may be half-changed. ` +
      "Release locks in a finally block; make a new Lock once the state is repaired.",
  );
}
