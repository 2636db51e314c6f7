/**
 * A child's result without a hand-written closure: `nursery.startWithResult` returns a {@link Child}, whose
 * `result(cx)` waits for the task and gives its value. Built on the nursery's own task-end path (as `all` is), so a
 * task started this way fails, cancels and is waited for exactly like one started with `start`.
 */
import type { Cx } from "./cx.ts";
import { BrokenResourceError } from "./errors.ts";
import { Event } from "./event.ts";
import { inOwnScope } from "./internal/own-scope.ts";
import type { TaskEnd } from "./internal/spawn.ts";

/** A task started with `nursery.startWithResult`. */
export interface Child<T> {
  /**
   * Wait until the task has returned and resolve to its value; at once if it already has. A checkpoint.
   * The task's failure is not thrown here: it goes to its nursery, as for any child, and the nursery cancels its
   * other tasks (a task of that nursery waiting here gets `Cancelled`).
   * @throws BrokenResourceError when the task ended without a value (it failed or was cancelled) and cancellation
   * did not already stop the caller
   */
  result(cx: Cx): Promise<T>;
}

/** @internal The handle, and the task's end: it records the value, then reports on to the nursery. */
export class ChildImpl<T> implements Child<T>, TaskEnd {
  private readonly ended = new Event();
  private value: T | undefined;
  private failed = false;

  constructor(private readonly nursery: TaskEnd) {}

  result(cx: Cx): Promise<T> {
    // In a scope of its own: a forgotten `await` of it is reported once, by the scope around (own-scope.ts).
    return inOwnScope(cx, "child.result", async (cx) => {
      await this.ended.wait(cx);
      if (this.failed) {
        throw new BrokenResourceError(
          "child.result: the task ended without a value (it failed or was cancelled); its error went to its nursery. " +
            "Wait for results from inside the nursery, where its failure cancels you, or catch this where a missing " +
            "value is expected.",
        );
      }
      return this.value as T;
    });
  }

  readonly onReturned = (value: unknown): void => {
    this.value = value as T;
    this.ended.set();
    this.nursery.onReturned(value);
  };

  readonly onFailed = (error: unknown): void => {
    // The nursery first: its cancellation reaches its own waiters here as Cancelled, not as a second failure.
    this.nursery.onFailed(error);
    this.failed = true;
    this.ended.set();
  };
}
