import type { Task } from "./task.ts";

/** Something a task holds that must learn when the task ends still holding it (a Lock's owner). */
export interface Held {
  holderEnded(task: Task): void;
}

/**
 * Which tasks hold what. Tasks report their end to their nursery's shared handlers, not to anyone per task, so a
 * holder's end is watched here instead: the first time a task holds something, one reaction is attached to its
 * `done` promise. Only tasks that ever hold a lock pay for it.
 */
const holding = new Map<Task, Set<Held>>();

export function hold(task: Task, resource: Held): void {
  let held = holding.get(task);
  if (held === undefined) {
    held = new Set();
    holding.set(task, held);
    const ended = (): void => {
      const still = holding.get(task);
      holding.delete(task);
      if (still !== undefined) for (const resource of still) resource.holderEnded(task);
    };
    // A task may take a lock in the synchronous start of its function, before spawn has stored its promise.
    const watch = (): void => void (task.done ?? Promise.resolve()).then(ended, ended);
    if (task.done !== null) watch();
    else queueMicrotask(watch);
  }
  held.add(resource);
}

export function unhold(task: Task, resource: Held): void {
  holding.get(task)?.delete(resource);
}
