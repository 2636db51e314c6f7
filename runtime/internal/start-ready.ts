import type { Cx } from "../cx.ts";
import { UsageError } from "../errors.ts";
import type { NurseryImpl } from "../nursery.ts";
import { Scope } from "./scope.ts";
import { runTask } from "./spawn.ts";
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
    const starting = new Starting(caller, reject);
    const task = new Task(starting);
    const ready: Ready<T> = (value) => {
      if (starting.readyCalled) {
        throw new UsageError("startReady: ready() was called twice; call it exactly once, when the task is ready");
      }
      if (task.scope === null) {
        throw new UsageError("startReady: ready() was called after the task finished; call it while the task runs");
      }
      nursery.adopt(task);
      starting.readyCalled = true;
      moveEntered(task, starting.scope, nursery.scope);
      resolve(value);
    };
    runTask(task, fn, [ready, ...args]);
  });
}

/** Owns a `startReady` task until it calls `ready`; its end before that settles `startReady`. */
class Starting implements TaskOwner {
  readonly scope: Scope;
  readyCalled = false;

  constructor(
    caller: Scope,
    private readonly reject: (error: unknown) => void,
  ) {
    this.scope = new Scope(caller.run);
    this.scope.attach(caller);
  }

  taskReturned(): void {
    this.scope.detach();
    this.reject(
      new UsageError(
        "startReady: the task returned without calling ready(value). Call ready once the task is set up " +
          "(for a server: once it listens), or use nursery.start if nothing needs to wait for it.",
      ),
    );
  }

  taskFailed(_task: Task, error: unknown): void {
    this.scope.detach();
    this.reject(error);
  }
}

/** The task now belongs to the nursery: move it, and the scopes it entered, from `from` to `to`; close `from`. */
function moveEntered(task: Task, from: Scope, to: Scope): void {
  const entered = from.children === null ? [] : [...from.children];
  if (task.scope === from) task.scope = to;
  from.detach();
  for (const scope of entered) scope.reparent(to);
}
