import { yieldNow } from "./checkpoint.ts";
import type { Cx } from "./cx.ts";
import { UsageError, WouldBlock } from "./errors.ts";
import { enter } from "./internal/blocking.ts";
import { park, wake } from "./internal/park.ts";
import { hold, runHeld, type Held, type HeldFn } from "./internal/run-held.ts";
import { WaitQueue } from "./internal/wait-queue.ts";

/** Options of `new Semaphore(initialValue, options)`. */
export interface SemaphoreOptions {
  /** The most the value may reach; a `release` beyond it is an error. Default: no limit. */
  max?: number;
}

/**
 * A counter of permits (Trio's Semaphore): `acquire` takes one, waiting while there are none; `release` gives one
 * back, to the longest waiter first. Unlike a Lock it has no owner: any task may release. To limit concurrency per
 * task, prefer `CapacityLimiter`, which tracks who borrowed what.
 * @example
 * const connections = new Semaphore(10);
 * const rows = await connections.run(cx, (cx) => query(cx, sql));
 * // the same by hand:
 * await connections.acquire(cx);
 * try { await query(cx, sql); } finally { connections.release(); }
 */
export class Semaphore {
  private current: number;
  private readonly limit: number;
  private readonly waiters = new WaitQueue("semaphore.acquire", this);

  constructor(initialValue: number, options: SemaphoreOptions = {}) {
    checkCount(initialValue, "new Semaphore(initialValue)");
    const { max = Infinity } = options;
    if (max !== Infinity) checkCount(max, "new Semaphore(initialValue, { max })");
    if (initialValue > max) {
      throw new UsageError(`new Semaphore(${initialValue}, { max: ${max} }): the initial value is above max`);
    }
    this.current = initialValue;
    this.limit = max;
  }

  /** Permits available now. */
  get value(): number {
    return this.current;
  }

  /** The `max` option (`Infinity` when there is none). */
  get max(): number {
    return this.limit;
  }

  /** Take a permit, waiting for one if there is none. A checkpoint. */
  acquire(cx: Cx): Promise<void> {
    try {
      const task = enter(cx, "semaphore.acquire");
      if (this.current > 0) {
        this.current--;
        return yieldNow();
      }
      const acquired = park<void>(task, this.waiters);
      this.waiters.push(task.wait!);
      return acquired;
    } catch (error) {
      return Promise.reject(error);
    }
  }

  /**
   * Wait for a permit, run `fn(cx, ...args)` holding it, and give it back however `fn` ends. Resolves to what `fn`
   * returns; throws what it throws.
   * @throws as {@link acquire}; UsageError if `fn` is not a function
   */
  run<T, A extends unknown[]>(cx: Cx, fn: HeldFn<T, A>, ...args: A): Promise<T> {
    return runHeld(this, "semaphore.run", cx, fn, args);
  }

  /**
   * Take a permit, as {@link acquire}; resolves to what a `using` declaration gives back at the end of its block,
   * however the block ends.
   * @example
   * using _permit = await connections.hold(cx);
   */
  hold(cx: Cx): Promise<Held> {
    return hold(this, cx, "semaphore.hold");
  }

  /**
   * Take a permit now or throw `WouldBlock`. Not a checkpoint.
   * @throws WouldBlock when no permit is available
   */
  acquireNowait(): void {
    if (this.current === 0) throw new WouldBlock("semaphore.acquireNowait: no permit available; use acquire(cx)");
    this.current--;
  }

  /**
   * Give a permit back, to the longest waiter if there is one. Not a checkpoint.
   * @throws UsageError when that would raise the value above `max`
   */
  release(): void {
    if (this.current >= this.limit) {
      throw new UsageError(`semaphore.release: the value is already at its max (${this.limit}); release once per acquire`);
    }
    const next = this.waiters.shift();
    if (next !== null) return wake(next.task, undefined);
    this.current++;
  }

  statistics(): { value: number; max: number; tasksWaiting: number } {
    return { value: this.current, max: this.limit, tasksWaiting: this.waiters.size };
  }
}

function checkCount(value: unknown, operation: string): asserts value is number {
  if (typeof value !== "number" || !Number.isInteger(value) || value < 0) {
    throw new UsageError(`${operation} must be a whole number >= 0, got ${String(value)}`);
  }
}
