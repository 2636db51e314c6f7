import type { Cx } from "./cx.ts";
import { UsageError } from "./errors.ts";
import { enter } from "./internal/blocking.ts";
import { park, wake } from "./internal/park.ts";
import { WaitQueue } from "./internal/wait-queue.ts";
import { Lock } from "./lock.ts";
import { shield } from "./timeouts.ts";

/**
 * A condition variable (Trio's Condition): wait, holding its lock, until another task notifies. `wait` releases the
 * lock while waiting and always takes it back before returning or throwing, even when cancelled, so code after it
 * can rely on holding the lock.
 * @example
 * await cond.acquire(cx);
 * try { while (queue.length === 0) await cond.wait(cx); take(queue); } finally { cond.release(cx); }
 * // elsewhere: await cond.acquire(cx); queue.push(item); cond.notify(cx); cond.release(cx);
 */
export class Condition {
  private readonly waiters = new WaitQueue("condition.wait");

  /** @param lock - the lock it uses; a new Lock by default */
  constructor(readonly lock: Lock = new Lock()) {}

  acquire(cx: Cx): Promise<void> {
    return this.lock.acquire(cx);
  }

  acquireNowait(cx: Cx): void {
    this.lock.acquireNowait(cx);
  }

  release(cx: Cx): void {
    this.lock.release(cx);
  }

  locked(): boolean {
    return this.lock.locked();
  }

  /**
   * Release the lock, wait for a notify, take the lock back. A checkpoint: if cancelled, it still takes the lock
   * back (shielded) before throwing `Cancelled`.
   * @throws UsageError if the calling task does not hold the lock
   */
  async wait(cx: Cx): Promise<void> {
    if (this.lock.statistics().owner !== cx) {
      throw new UsageError("condition.wait: acquire the condition's lock first; wait releases and retakes it");
    }
    const task = enter(cx, "condition.wait");
    this.lock.release(cx);
    try {
      const notified = park<void>(task, this.waiters);
      this.waiters.push(task.wait!);
      await notified;
    } finally {
      await shield(cx, (cx) => this.lock.acquire(cx));
    }
  }

  /**
   * Wake up to `n` waiters (default 1), oldest first; they take the lock back once the caller releases it. Not a
   * checkpoint. Pass the caller's `cx` (`notify(cx)`, `notify(cx, n)`) to have lock ownership checked; `notify()` and
   * `notify(n)`, Trio's shape, are accepted too.
   * @throws UsageError if `cx` is given and its task does not hold the lock (a notify outside the lock can be lost)
   */
  notify(n?: number): void;
  notify(cx: Cx, n?: number): void;
  notify(cxOrN?: Cx | number, n?: number): void {
    const count = typeof cxOrN === "object" ? (n ?? 1) : (cxOrN ?? 1);
    if (typeof cxOrN === "object" && this.lock.statistics().owner !== cxOrN) {
      throw new UsageError("condition.notify: acquire the condition's lock first, so no waiter can miss the notify");
    }
    for (let i = 0; i < count; i++) {
      const next = this.waiters.shift();
      if (next === null) return;
      wake(next.task, undefined);
    }
  }

  /** Wake every waiter. Not a checkpoint. @throws UsageError if `cx` is given and does not hold the lock */
  notifyAll(cx?: Cx): void {
    if (cx === undefined) this.notify(this.waiters.size);
    else this.notify(cx, this.waiters.size);
  }

  statistics(): { tasksWaiting: number; lockStatistics: ReturnType<Lock["statistics"]> } {
    return { tasksWaiting: this.waiters.size, lockStatistics: this.lock.statistics() };
  }
}
