/** Sleeping: a parked task that is also its own deadline-heap entry. */
import { checkDuration, checkTime } from "./cancel-scope.ts";
import { checkpoint } from "./checkpoint.ts";
import type { Cx } from "./cx.ts";
import { blocked, park, type Waitable } from "./internal/park.ts";
import { taskOf } from "./internal/task.ts";

/**
 * Wait `ms` milliseconds on the run's clock (a `MockClock` makes this instant in tests). A checkpoint: throws
 * `Cancelled` if cancelled before or during the wait. `sleep(cx, 0)` is a bare checkpoint.
 * @throws UsageError when `ms` is negative, NaN or not a number
 * @example
 * for (let attempt = 1; ; attempt++) { try { return await call(cx); } catch { await sleep(cx, 100 * attempt); } }
 */
export function sleep(cx: Cx, ms: number): Promise<void> {
  try {
    const task = taskOf(cx, "sleep");
    checkDuration(ms, "sleep");
    return sleepUntil(task, task.now() + ms);
  } catch (error) {
    return Promise.reject(error);
  }
}

/** Wait until the run's clock reads `deadline` (absolute ms, see `cx.now()`). A checkpoint. */
export function sleepUntil(cx: Cx, deadline: number): Promise<void> {
  try {
    const task = taskOf(cx, "sleepUntil");
    checkTime(deadline, "sleepUntil");
    if (deadline === Infinity) return sleepForever(task);
    if (deadline <= task.now()) return checkpoint(task);
    const problem = blocked(task, "sleepUntil");
    if (problem !== undefined) return Promise.reject(problem);
    const slept = park<void>(task, task.run);
    const waiter = task.wait!;
    waiter.at = deadline;
    task.run.schedule(waiter);
    return slept;
  } catch (error) {
    return Promise.reject(error);
  }
}

const nowhere: Waitable = { abandon() {}, describeWait: () => ({ on: "sleepForever" }) };

/** Wait until cancelled. Always rejects with `Cancelled` eventually (or never settles if nothing cancels it). */
export function sleepForever(cx: Cx): Promise<never> {
  try {
    const task = taskOf(cx, "sleepForever");
    const problem = blocked(task, "sleepForever");
    if (problem !== undefined) return Promise.reject(problem);
    return park<never>(task, nowhere);
  } catch (error) {
    return Promise.reject(error);
  }
}
