import { UsageError } from "../errors.ts";
import type { HeapEntry } from "./deadline-heap.ts";
import { fail, park, wake, type WaitInfo, type Waitable } from "./park.ts";
import { loopOf } from "./scope.ts";
import type { Task } from "./task.ts";

/**
 * Wait for cleanup work already under way (a source's `return()` after a `break`, a throw or a cancellation) for at
 * most `detachAfter` ms of the run's clock, cancelled or not: cancellation does not cut a cleanup short, and the
 * bound ends it even when no deadline would. Resolves with the work's value, or with `undefined` once the bound has
 * passed (the work is then detached: the loop adopts it as an orphan, counted `unstopped` when the bound was the
 * default). Rejects with the work's error, or with the `Cancelled` when cancellation is effective by then; with a
 * UsageError when the task already waits on something else (a source iterated with another task's cx).
 */
export function settleWithin(
  task: Task,
  work: PromiseLike<unknown>,
  detachAfter: number,
  defaulted: boolean,
): Promise<unknown> {
  if (task.wait?.parked === true) {
    return Promise.reject(
      new UsageError(
        "closing a source: the task of this cx is already waiting on something else. Iterate a source in the task " +
          "whose cx it was given.",
      ),
    );
  }
  const wait = new BoundedWait(task, work, defaulted);
  const waiting = park(task, wait);
  if (detachAfter !== Infinity) {
    wait.at = task.now() + detachAfter;
    task.run.schedule(wait);
  }
  work.then(wait.settle.bind(wait), wait.reject.bind(wait));
  return waiting;
}

class BoundedWait implements Waitable, HeapEntry {
  private done = false;
  at = 0;
  seq = 0;
  heapIndex = -1;

  constructor(
    private readonly task: Task,
    private readonly work: PromiseLike<unknown>,
    private readonly defaulted: boolean,
  ) {}

  describeWait(): WaitInfo {
    return { on: "closing a source (its return())" };
  }

  /** Cancellation does not cut a cleanup short: the bound ends it. */
  deferCancel(): boolean {
    return true;
  }

  /** The wait was swept (nobody awaited the close): the work goes on without it. */
  abandon(): void {
    if (this.end()) this.detach();
  }

  /** The bound passed: go on without the work. */
  expire(): void {
    if (!this.end()) return;
    this.detach();
    const cancelled = this.task.scope.cancelRoot;
    if (cancelled !== null) fail(this.task, cancelled.error);
    else wake(this.task, undefined);
  }

  private detach(): void {
    loopOf(this.task.scope)?.adopt(this.work, this.defaulted);
  }

  settle(value: unknown): void {
    if (this.end()) wake(this.task, value);
  }

  reject(error: unknown): void {
    if (this.end()) fail(this.task, this.task.scope.cancelRoot?.error ?? error);
  }

  private end(): boolean {
    if (this.done) return false;
    this.done = true;
    this.task.run.unschedule(this);
    return true;
  }
}
