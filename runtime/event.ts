import { checkpoint } from "./checkpoint.ts";
import type { Cx } from "./cx.ts";
import { enter } from "./internal/blocking.ts";
import { park, wake } from "./internal/park.ts";
import { WaitQueue } from "./internal/wait-queue.ts";

/**
 * A one-shot flag tasks can wait for: `set()` once, and every waiter, present and future, goes on. There is no
 * `clear` (as in Trio): make a new Event for the next round.
 * @example
 * const ready = new Event();
 * n.start(async (cx) => { await ready.wait(cx); serve(); });
 * await loadConfig(cx); ready.set();
 */
export class Event {
  private flag = false;
  private readonly waiters = new WaitQueue("event.wait");

  /** Whether `set()` has been called. */
  isSet(): boolean {
    return this.flag;
  }

  /** Set the flag and wake every waiter. Idempotent; not a checkpoint. */
  set(): void {
    if (this.flag) return;
    this.flag = true;
    for (let waiter = this.waiters.shift(); waiter !== null; waiter = this.waiters.shift()) wake(waiter.task, undefined);
  }

  /**
   * Wait until the flag is set. A checkpoint even when it is already set: throws `Cancelled` if cancelled.
   */
  wait(cx: Cx): Promise<void> {
    try {
      if (this.flag) return checkpoint(cx);
      const task = enter(cx, "event.wait");
      const waiting = park<void>(task, this.waiters);
      this.waiters.push(task.wait!);
      return waiting;
    } catch (error) {
      return Promise.reject(error);
    }
  }

  statistics(): { tasksWaiting: number } {
    return { tasksWaiting: this.waiters.size };
  }
}
