import type { Cx } from "../cx.ts";
import { activity } from "./host.ts";
import type { Scope } from "./scope.ts";
import { Task } from "./task.ts";
import { isThenable } from "./thenable.ts";

/**
 * Who hears how a task ended. Nurseries pass the same two functions for every child, so a task costs no closure
 * of its own; what a task may have left behind (a wait it never awaited, a scope it never left) is found when the
 * scope around it is left (see `sweep`).
 */
export interface TaskEnd {
  readonly onReturned: (value: unknown) => void;
  readonly onFailed: (error: unknown) => void;
}

/** A task function with its arguments; the public signature that called this checked them against each other. */
export type TaskFn = (cx: Cx, ...args: any[]) => unknown;

/**
 * Start `fn(cx, ...args)` as a new task in `scope`, reporting its end to `end`. The function runs synchronously up
 * to its first `await`, as any async call does; a synchronous throw counts as a failure of the task.
 */
export function spawn(scope: Scope, end: TaskEnd, fn: TaskFn, args: readonly unknown[]): Task {
  const task = new Task(scope, fn.name);
  runTask(task, end, fn, args);
  return task;
}

/** Run `fn` as the already created `task` (`startReady` needs the task before its function runs). */
export function runTask(task: Task, end: TaskEnd, fn: TaskFn, args: readonly unknown[]): void {
  activity.count++;
  let result: unknown;
  try {
    result = args.length === 0 ? fn(task) : fn(task, ...args);
  } catch (error) {
    task.done = Promise.resolve();
    end.onFailed(error);
    return;
  }
  if (result instanceof Promise || isThenable(result)) {
    task.done = result;
    result.then(end.onReturned, end.onFailed);
  } else {
    task.done = Promise.resolve();
    end.onReturned(result);
  }
}
