import { UsageError } from "../errors.ts";
import type { Cx } from "../cx.ts";
import { activity } from "./host.ts";
import { discard } from "./park.ts";
import type { Scope } from "./scope.ts";
import { Task, type TaskOwner } from "./task.ts";

/**
 * Start `fn(cx, ...args)` as a new task in `scope`, reporting its end to `owner`. The function runs synchronously up
 * to its first `await`, as any async call does; a synchronous throw counts as a failure of the task.
 */
export function spawn(
  owner: TaskOwner,
  scope: Scope,
  // Arguments were checked against `fn` by the public signature that called this.
  fn: (cx: Cx, ...args: any[]) => unknown,
  args: readonly unknown[],
): Task {
  const task = new Task(scope.run, scope, owner);
  startTask(task, fn, args);
  return task;
}

/** Run `fn` as the already created `task`. */
export function startTask(task: Task, fn: (cx: Cx, ...args: any[]) => unknown, args: readonly unknown[]): void {
  task.run.liveTasks++;
  activity.count++;
  let result: unknown;
  try {
    result = args.length === 0 ? fn(task) : fn(task, ...args);
  } catch (error) {
    settle(task, error, true);
    return;
  }
  if (isThenable(result)) {
    result.then(
      (value) => settle(task, value, false),
      (error: unknown) => settle(task, error, true),
    );
  } else {
    settle(task, result, false);
  }
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (
    (typeof value === "object" || typeof value === "function") &&
    value !== null &&
    typeof (value as { then?: unknown }).then === "function"
  );
}

function settle(task: Task, outcome: unknown, failed: boolean): void {
  const misuse = finishTask(task);
  const owner = task.owner!;
  task.owner = null;
  if (misuse !== undefined) {
    if (failed) owner.taskFailed(task, outcome);
    owner.taskFailed(task, misuse);
  } else if (failed) {
    owner.taskFailed(task, outcome);
  } else {
    owner.taskReturned(task, outcome);
  }
}

/**
 * Mark `task` finished. A task that ends while still waiting, or with a scope still open, did not await something
 * it started: the wait is dropped and the mistake is returned as an error for its owner.
 */
export function finishTask(task: Task): UsageError | undefined {
  let misuse: UsageError | undefined;
  if (task.waitingOn !== null) {
    discard(task);
    misuse = new UsageError(
      "a task finished while one of its corral operations was still pending: await every sleep, wait and " +
        "receive (a task must not return before the operations it started)",
    );
  } else if (task.scope !== task.base) {
    misuse = new UsageError(
      "a task finished while a scope it entered was still open: await withNursery, withCancelScope, moveOnAfter " +
        "and the other scope functions",
    );
  }
  task.scope = null;
  task.run.liveTasks--;
  activity.count++;
  return misuse;
}
