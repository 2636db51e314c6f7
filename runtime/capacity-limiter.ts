import { yieldNow } from "./checkpoint.ts";
import type { Cx } from "./cx.ts";
import { UsageError, WouldBlock } from "./errors.ts";
import { enter } from "./internal/blocking.ts";
import { park, wake } from "./internal/park.ts";
import { hold, runHeld, type Held, type HeldFn } from "./internal/run-held.ts";
import { taskOf } from "./internal/task.ts";
import { WaitQueue } from "./internal/wait-queue.ts";

/**
 * Limits how many borrowers use something at once (Trio's CapacityLimiter): each borrower holds at most one token,
 * by default the calling task, or any object you name with `acquireOnBehalfOf`. Waiters are served first come,
 * first served. `totalTokens` can change while running; raising it lets waiters in at once.
 * @example
 * const downloads = new CapacityLimiter(4);
 * await withNursery(cx, (n) => {
 *   for (const url of urls) n.start((cx) => downloads.run(cx, download, url)); // at most 4 at once
 * });
 * // the same by hand:
 * await downloads.acquire(cx);
 * try { await download(cx, url); } finally { downloads.release(cx); }
 */
export class CapacityLimiter {
  private total: number;
  private readonly borrowers = new Set<unknown>();
  private readonly waiters = new WaitQueue("limiter.acquire", this);

  constructor(totalTokens: number) {
    checkTotal(totalTokens, "new CapacityLimiter(totalTokens)");
    this.total = totalTokens;
  }

  /** How many tokens there are. Setting it higher wakes waiters at once; lower takes effect as tokens come back. */
  get totalTokens(): number {
    return this.total;
  }

  set totalTokens(value: number) {
    checkTotal(value, "capacityLimiter.totalTokens");
    this.total = value;
    this.serveWaiters();
  }

  get borrowedTokens(): number {
    return this.borrowers.size;
  }

  get availableTokens(): number {
    return Math.max(0, this.total - this.borrowers.size);
  }

  /** Take a token for the calling task, waiting if none is free. A checkpoint. */
  acquire(cx: Cx): Promise<void> {
    return this.acquireOnBehalfOf(cx, cx);
  }

  /**
   * Take a token for `borrower` (any object: a connection, a job id), waiting if none is free. A checkpoint.
   * @throws UsageError if `borrower` already holds a token
   */
  acquireOnBehalfOf(cx: Cx, borrower: unknown): Promise<void> {
    try {
      const task = enter(cx, "capacityLimiter.acquire");
      if (this.tryBorrow(borrower, "capacityLimiter.acquire")) return yieldNow();
      const acquired = park<void>(task, this.waiters);
      task.wait!.payload = borrower;
      this.waiters.push(task.wait!);
      return acquired;
    } catch (error) {
      return Promise.reject(error);
    }
  }

  /**
   * Wait for a token, run `fn(cx, ...args)` holding it, and give it back however `fn` ends (p-limit's `limit(fn)`,
   * with a cx). Resolves to what `fn` returns; throws what it throws.
   * @throws as {@link acquire} (UsageError if the calling task already holds a token); UsageError if `fn` is not a function
   * @example
   * const page = await downloads.run(cx, (cx) => fetchPage(cx, url));
   */
  run<T, A extends unknown[]>(cx: Cx, fn: HeldFn<T, A>, ...args: A): Promise<T> {
    return runHeld(this, "capacityLimiter.run", cx, fn, args);
  }

  /**
   * Take a token for the calling task, as {@link acquire}; resolves to what a `using` declaration gives back at the
   * end of its block, however the block ends.
   * @example
   * using _token = await downloads.hold(cx);
   */
  hold(cx: Cx): Promise<Held> {
    return hold(this, cx, "capacityLimiter.hold");
  }

  /** Take a token for the calling task now or throw `WouldBlock`. Not a checkpoint. */
  acquireNowait(cx: Cx): void {
    this.acquireOnBehalfOfNowait(taskOf(cx, "capacityLimiter.acquireNowait"));
  }

  /** Take a token for `borrower` now or throw `WouldBlock`. Not a checkpoint. Also accepts `(cx, borrower)`. */
  acquireOnBehalfOfNowait(borrower: unknown): void;
  acquireOnBehalfOfNowait(cx: Cx, borrower: unknown): void;
  acquireOnBehalfOfNowait(...args: [unknown] | [Cx, unknown]): void {
    const borrower = args.length === 2 ? args[1] : args[0];
    if (!this.tryBorrow(borrower, "capacityLimiter.acquireNowait")) {
      throw new WouldBlock("capacityLimiter.acquireNowait: no token is free; use acquire(cx) to wait for one");
    }
  }

  /** Give back the calling task's token. Not a checkpoint. */
  release(cx: Cx): void {
    this.releaseOnBehalfOf(taskOf(cx, "capacityLimiter.release"));
  }

  /**
   * Give back `borrower`'s token, passing it to the longest waiter. Not a checkpoint. Also accepts `(cx, borrower)`.
   * @throws UsageError if `borrower` holds no token
   */
  releaseOnBehalfOf(borrower: unknown): void;
  releaseOnBehalfOf(cx: Cx, borrower: unknown): void;
  releaseOnBehalfOf(...args: [unknown] | [Cx, unknown]): void {
    const borrower = args.length === 2 ? args[1] : args[0];
    if (!this.borrowers.delete(borrower)) {
      throw new UsageError("capacityLimiter.release: this borrower holds no token; release once per acquire");
    }
    this.serveWaiters();
  }

  statistics(): { borrowedTokens: number; totalTokens: number; borrowers: unknown[]; tasksWaiting: number } {
    return {
      borrowedTokens: this.borrowers.size,
      totalTokens: this.total,
      borrowers: [...this.borrowers],
      tasksWaiting: this.waiters.size,
    };
  }

  private tryBorrow(borrower: unknown, operation: string): boolean {
    if (this.borrowers.has(borrower)) {
      throw new UsageError(`${operation}: this borrower already holds a token; each borrower holds at most one`);
    }
    if (this.borrowers.size >= this.total || this.waiters.size > 0) return false;
    this.borrowers.add(borrower);
    return true;
  }

  private serveWaiters(): void {
    while (this.borrowers.size < this.total) {
      const next = this.waiters.shift();
      if (next === null) return;
      this.borrowers.add(next.payload);
      wake(next.task, undefined);
    }
  }
}

function checkTotal(value: unknown, operation: string): asserts value is number {
  if (value !== Infinity && (typeof value !== "number" || !Number.isInteger(value) || value < 1)) {
    throw new UsageError(`${operation} must be a whole number >= 1 or Infinity, got ${String(value)}`);
  }
}
