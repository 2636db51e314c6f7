import type { Task } from "./task.ts";

/**
 * Call `ended` once `task` has ended. Tasks report their end to their nursery's shared handlers, not to anyone per
 * task, so a primitive that must know (a Lock whose holder may end still holding it) watches the task's own
 * promise, and pays for it only for the tasks it cares about.
 */
export function watchEnd(task: Task, ended: () => void): void {
  // A task may take a lock in the synchronous start of its function, before spawn has stored its promise.
  if (task.done !== null) void task.done.then(ended, ended);
  else queueMicrotask(() => void (task.done ?? Promise.resolve()).then(ended, ended));
}
