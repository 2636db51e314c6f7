import type { Cx } from "../cx.ts";
import { MultiError, UsageError } from "../errors.ts";
import type { NurseryImpl } from "../nursery.ts";
import { Scope } from "./scope.ts";
import { runTask, type TaskEnd } from "./spawn.ts";
import { sweep } from "./sweep.ts";
import { Task } from "./task.ts";

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
    const starting = new Starting(caller, nursery, reject);
    const task = new Task(starting.scope, fn.name);
    const ready: Ready<T> = (value) => {
      if (starting.readyCalled) {
        throw new UsageError("startReady: ready() was called twice; call it exactly once, when the task is ready");
      }
      if (!task.scope.open) {
        throw new UsageError("startReady: ready() was called after the task finished; call it while the task runs");
      }
      nursery.adopt();
      starting.readyCalled = true;
      moveEntered(task, starting.scope, nursery.scope);
      resolve(value);
    };
    runTask(task, starting, fn, [ready, ...args]);
  });
}

/** Hears how a `startReady` task ended: before `ready`, that settles `startReady`; after, it goes to the nursery. */
class Starting implements TaskEnd {
  readonly scope: Scope;
  readyCalled = false;

  constructor(
    caller: Scope,
    private readonly nursery: NurseryImpl,
    private readonly reject: (error: unknown) => void,
  ) {
    this.scope = new Scope(caller.run);
    this.scope.attach(caller);
  }

  readonly onReturned = (value: unknown): void => {
    if (this.readyCalled) return this.nursery.onReturned(value);
    this.reject(
      this.close() ??
        new UsageError(
          "startReady: the task returned without calling ready(value). Call ready once the task is set up " +
            "(for a server: once it listens), or use nursery.start if nothing needs to wait for it.",
        ),
    );
  };

  readonly onFailed = (error: unknown): void => {
    if (this.readyCalled) return this.nursery.onFailed(error);
    const misuse = this.close();
    this.reject(misuse === undefined ? error : MultiError.keep(error, [misuse]));
  };

  /** The task ended before `ready`: close its scope, reporting what it left behind. */
  private close(): UsageError | undefined {
    const leftBehind = sweep(this.scope, "a startReady task");
    this.scope.detach();
    return leftBehind;
  }
}

/** The task now belongs to the nursery: move it, and the scopes it entered, from `from` to `to`; close `from`. */
function moveEntered(task: Task, from: Scope, to: Scope): void {
  const entered = from.children === null ? [] : [...from.children];
  if (task.scope === from) task.scope = to;
  from.detach();
  for (const scope of entered) scope.reparent(to);
}
