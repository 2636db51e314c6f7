import type { Cx } from "../cx.ts";
import { UsageError } from "../errors.ts";
import { brandInternal, hasBrand } from "./brand.ts";
import type { Waiter } from "./park.ts";
import type { RunState } from "./run-state.ts";
import type { Scope } from "./scope.ts";

/**
 * A task, which is also the `Cx` handed to its function. Kept to four fields and no per-task completion
 * handlers: a nursery may hold 100k tasks, and at that count the garbage collector's time follows the bytes per
 * task. What a waiting task needs lives in its {@link Waiter}; what its end means is its owner's business.
 */
export class Task implements Cx {
  /** Innermost scope in effect. A closed scope here means the task has finished (see `Scope.detach`). */
  scope: Scope;
  /** The single wait slot (see park.ts). */
  wait: Waiter | null = null;
  /** What the task's function returned, once it has run: settles when the task ends (see task-end.ts). */
  done: PromiseLike<unknown> | null = null;
  /**
   * The name of the function the task runs, for a task dump (corral/node's `taskTree`). The name, not the function:
   * a closure made per task (`n.start((cx) => ...)` in a loop) would otherwise live as long as its task.
   */
  readonly name: string;

  constructor(scope: Scope, name: string) {
    this.scope = scope;
    this.name = name;
  }

  get run(): RunState {
    return this.scope.run;
  }

  get signal(): AbortSignal {
    return this.liveScope("cx.signal").signal;
  }

  get cancelled(): boolean {
    return this.liveScope("cx.cancelled").cancelRoot !== null;
  }

  get deadline(): number {
    let scope: Scope | null = this.liveScope("cx.deadline");
    if (scope.cancelRoot !== null) return -Infinity;
    let deadline = Infinity;
    for (; scope !== null; scope = scope.parent) {
      deadline = Math.min(deadline, scope.deadline);
      if (scope.shield) break;
    }
    return deadline;
  }

  now(): number {
    return this.run.clock.now();
  }

  liveScope(operation: string): Scope {
    const scope = this.scope;
    if (!scope.open) throw staleCx(operation);
    return scope;
  }
}

/** The error for a cx whose task has finished: its scope has closed. */
export function staleCx(operation: string): UsageError {
  return new UsageError(
    `${operation}: this cx belongs to a task that has already finished. Use the cx your own function received; ` +
      "do not keep a cx after the function it was given to has returned.",
  );
}

brandInternal(Task, "Task");

/** Whether `value` is a task (a `Cx`), made by this copy of corral or by a duplicate one (see brand.ts). */
export function isTask(value: unknown): value is Task {
  return value instanceof Task || hasBrand(value, "Task");
}

/** The Task behind a `Cx`, or a UsageError naming `operation` when `cx` is not one. */
export function taskOf(cx: Cx, operation: string): Task {
  if (isTask(cx)) return cx;
  throw new UsageError(
    `${operation}: expected the cx your scoped function received as its first parameter, got ${describeValue(cx)}. ` +
      "Scoped functions are called as fn(cx, ...args); start the program with run(main).",
  );
}

function describeValue(value: unknown): string {
  if (value === null || value === undefined) return String(value);
  if (typeof value === "object") return `an object (${Object.prototype.toString.call(value)})`;
  return `a ${typeof value}`;
}
