import { UsageError } from "../errors.ts";
import type { Cx } from "../cx.ts";
import { activity } from "./host.ts";
import { discard } from "./park.ts";
import { Task, type TaskOwner } from "./task.ts";

/**
 * Start `fn(cx, ...args)` as a new task of `owner`, in the owner's scope. The function runs synchronously up to its
 * first `await`, as any async call does; a synchronous throw counts as a failure of the task.
 */
export function spawn(
  owner: TaskOwner,
  // Arguments were checked against `fn` by the public signature that called this.
  fn: (cx: Cx, ...args: any[]) => unknown,
  args: readonly unknown[],
): Task {
  const task = new Task(owner);
  runTask(task, fn, args);
  return task;
}

/** Run `fn` as the already created `task` (`startReady` needs the task before its function runs). */
export function runTask(task: Task, fn: (cx: Cx, ...args: any[]) => unknown, args: readonly unknown[]): void {
  task.run.liveTasks++;
  activity.count++;
  let result: unknown;
  try {
    result = args.length === 0 ? fn(task) : fn(task, ...args);
  } catch (error) {
    taskFailed.call(task, error);
    return;
  }
  // Bound functions, not two closures: 56 bytes less per task, which at 100k live tasks is GC time.
  if (isThenable(result)) result.then(taskReturned.bind(task), taskFailed.bind(task));
  else taskReturned.call(task, result);
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (
    (typeof value === "object" || typeof value === "function") &&
    value !== null &&
    typeof (value as { then?: unknown }).then === "function"
  );
}

function taskReturned(this: Task, value: unknown): void {
  const misuse = finishTask(this);
  if (misuse === undefined) this.owner.taskReturned(this, value);
  else this.owner.taskFailed(this, misuse);
}

function taskFailed(this: Task, error: unknown): void {
  const misuse = finishTask(this);
  this.owner.taskFailed(this, error);
  if (misuse !== undefined) this.owner.taskFailed(this, misuse);
}

/**
 * Mark `task` finished. A task that ends while still waiting, or with a scope still open, did not await something
 * it started: the wait is dropped and the mistake is returned as an error for its owner.
 */
export function finishTask(task: Task): UsageError | undefined {
  let misuse: UsageError | undefined;
  if (task.wait !== null) {
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
