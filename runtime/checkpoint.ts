import type { Cx } from "./cx.ts";
import { activity, hostTurnDue, yieldToHost } from "./internal/host.ts";
import { Task, taskOf } from "./internal/task.ts";

const resolved: Promise<void> = Promise.resolve();

/**
 * The bare checkpoint: throws `Cancelled` if cancellation is effective here, otherwise lets other tasks run.
 * Put one in long CPU loops so they can be cancelled. A checkpoint also gives the host a turn when none happened
 * for 2 ms, so timers, I/O and deadlines are never starved by a task that loops on checkpoints.
 * @example
 * for (const row of rows) { await checkpoint(cx); process(row); }
 */
export function checkpoint(cx: Cx): Promise<void> {
  if (!(cx instanceof Task)) return checkpointOther(cx);
  // A finished task's cx sees its closed scope's marker here, so it fails as fast as a cancelled one.
  const root = cx.scope.cancelRoot;
  if (root !== null) return Promise.reject(root.error);
  return yieldNow();
}

/**
 * The yield half of a checkpoint, without the cancellation check: for an operation that has already happened
 * (a `send` that succeeded must not then throw `Cancelled`, or the caller would send it again).
 */
export function yieldNow(): Promise<void> {
  activity.count++;
  return hostTurnDue() ? yieldToHost() : resolved;
}

/** {@link yieldNow}, then `value`. */
export function yieldWith<T>(value: T): Promise<T> {
  activity.count++;
  return hostTurnDue() ? yieldToHost().then(() => value) : Promise.resolve(value);
}

/** A checkpoint on what is not one of this copy's tasks: a duplicate copy's task (see brand.ts), or a misuse. */
function checkpointOther(cx: Cx): Promise<void> {
  let task: Task;
  try {
    task = taskOf(cx, "checkpoint");
  } catch (error) {
    return Promise.reject(error);
  }
  const root = task.scope.cancelRoot;
  return root !== null ? Promise.reject(root.error) : yieldNow();
}
