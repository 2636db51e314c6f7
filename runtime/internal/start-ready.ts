import type { Cx } from "../cx.ts";
import { UsageError } from "../errors.ts";
import type { NurseryImpl } from "../nursery.ts";
import { Scope } from "./scope.ts";
import { startTask } from "./spawn.ts";
import { Task, type TaskOwner } from "./task.ts";

/** What a `startReady` child calls once it is ready, with the value `startReady` resolves to. */
export type Ready<T> = (value: T) => void;
/** A task function for `startReady`: receives its cx, the `ready` callback, then the arguments. */
export type ReadyFn<T, A extends unknown[]> = (cx: Cx, ready: Ready<T>, ...args: A) => unknown;

/**
 * `nursery.startReady`, as in Trio's `nursery.start`: until `ready`, the child runs in a scope of its own below
 * `caller` (so the caller's cancellation reaches it and its failure is the caller's); at `ready`, that scope's
 * contents move under the nursery's scope and the nursery becomes the task's owner.
 */
export function startReady<T, A extends unknown[]>(
  nursery: NurseryImpl,
  caller: Scope,
  fn: ReadyFn<T, A>,
  args: A,
): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const starting = new Scope(caller.run);
    starting.attach(caller);
    let calledReady = false;
    const owner: TaskOwner = {
      taskReturned() {
        starting.detach();
        reject(
          new UsageError(
            "startReady: the task returned without calling ready(value). Call ready once the task is set up " +
              "(for a server: once it listens), or use nursery.start if nothing needs to wait for it.",
          ),
        );
      },
      taskFailed(_task, error) {
        starting.detach();
        reject(error);
      },
    };
    const ready: Ready<T> = (value) => {
      if (calledReady) {
        throw new UsageError("startReady: ready() was called twice; call it exactly once, when the task is ready");
      }
      if (task.scope === null) {
        throw new UsageError("startReady: ready() was called after the task finished; call it while the task runs");
      }
      nursery.adopt(task);
      calledReady = true;
      moveTask(task, starting, nursery.scope);
      resolve(value);
    };
    const task = new Task(caller.run, starting, owner);
    startTask(task, fn, [ready, ...args]);
  });
}

/** Move `task` and the scopes it entered from `from` (its starting scope) to `to`, then close `from`. */
function moveTask(task: Task, from: Scope, to: Scope): void {
  const entered = from.children === null ? [] : [...from.children];
  task.base = to;
  if (task.scope === from) task.scope = to;
  from.detach();
  for (const scope of entered) scope.reparent(to);
}
