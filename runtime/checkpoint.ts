import type { Cx } from "./cx.ts";
import { activity, HOST_TURN_EVERY, yieldToHost } from "./internal/host.ts";
import { Task, taskOf } from "./internal/task.ts";

const resolved: Promise<void> = Promise.resolve();

/**
 * The bare checkpoint: throws `Cancelled` if cancellation is effective here, otherwise lets other tasks run.
 * Put one in long CPU loops so they can be cancelled. Every 1024th checkpoint also gives the host a turn, so
 * timers, I/O and deadlines are never starved by a task that loops on checkpoints.
 * @example
 * for (const row of rows) { await checkpoint(cx); process(row); }
 */
export function checkpoint(cx: Cx): Promise<void> {
  const scope = cx instanceof Task ? cx.scope : null;
  if (scope === null) return misuse(cx);
  const root = scope.cancelRoot;
  if (root !== null) return Promise.reject(root.error);
  if (++activity.count % HOST_TURN_EVERY !== 0) return resolved;
  return yieldToHost();
}

function misuse(cx: Cx): Promise<never> {
  try {
    throw taskOf(cx, "checkpoint").finishedError("checkpoint");
  } catch (error) {
    return Promise.reject(error);
  }
}
