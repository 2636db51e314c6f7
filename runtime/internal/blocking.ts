import type { Cx } from "../cx.ts";
import { blocked } from "./park.ts";
import { taskOf, type Task } from "./task.ts";

/**
 * The start of every blocking operation of a primitive: the task behind `cx`, once it is known to be allowed to
 * go on. Throws `Cancelled` if cancellation is effective (the operation then did not happen), a UsageError for a
 * stale or foreign cx, or when the task already waits on something else. Callers turn the throw into a rejection.
 */
export function enter(cx: Cx, operation: string): Task {
  const task = taskOf(cx, operation);
  const problem = blocked(task, operation);
  if (problem !== undefined) throw problem;
  return task;
}
