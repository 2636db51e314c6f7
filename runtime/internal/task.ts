import type { Cx } from "../cx.ts";
import { UsageError } from "../errors.ts";
import type { Waiter } from "./park.ts";
import type { RunState } from "./run-state.ts";
import type { Scope } from "./scope.ts";

/**
 * Who learns that a task finished: its nursery, or a pending `startReady` until the task calls `ready`. The owner's
 * `scope` is the task's base scope, the one it started in.
 */
export interface TaskOwner {
  readonly scope: Scope;
  taskReturned(task: Task, value: unknown): void;
  taskFailed(task: Task, error: unknown): void;
}

/**
 * A task, which is also the `Cx` handed to its function. Kept to three fields: a nursery may hold 100k of them,
 * every byte is paid per task, and at that count the garbage collector's time follows the bytes. What a waiting
 * task needs lives in its {@link Waiter}.
 */
export class Task implements Cx {
  /** Innermost scope in effect; `null` once the task has finished. */
  scope: Scope | null;
  /** The single wait slot (see park.ts). */
  wait: Waiter | null = null;

  constructor(public owner: TaskOwner) {
    this.scope = owner.scope;
  }

  /** The scope the task started in (its nursery's, or a `startReady` scope until `ready`). */
  get base(): Scope {
    return this.owner.scope;
  }

  get run(): RunState {
    return this.owner.scope.run;
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
    if (scope === null) throw this.finishedError(operation);
    return scope;
  }

  finishedError(operation: string): UsageError {
    return new UsageError(
      `${operation}: this cx belongs to a task that has already finished. Use the cx your own function received; ` +
        "do not keep a cx after the function it was given to has returned.",
    );
  }
}

/** The Task behind a `Cx`, or a UsageError naming `operation` when `cx` is not one. */
export function taskOf(cx: Cx, operation: string): Task {
  if (cx instanceof Task) return cx;
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
