import type { Cx } from "../cx.ts";
import { UsageError } from "../errors.ts";
import type { HeapEntry } from "./deadline-heap.ts";
import type { Waitable } from "./park.ts";
import { wake } from "./park.ts";
import type { RunState } from "./run-state.ts";
import type { Scope } from "./scope.ts";

/** Who learns that a task finished: its nursery, or a pending `startReady` until the task calls `ready`. */
export interface TaskOwner {
  taskReturned(task: Task, value: unknown): void;
  taskFailed(task: Task, error: unknown): void;
}

/**
 * A task, which is also the `Cx` handed to its function. It is also the heap entry of its own sleep, so sleeping
 * allocates nothing beyond the promise being awaited.
 */
export class Task implements Cx, HeapEntry {
  /** Innermost scope in effect; `null` once the task has finished. */
  scope: Scope | null;
  /** The scope the task started in (its nursery's, or a `startReady` scope until `ready`). */
  base: Scope;

  // The single wait slot (see park.ts). Invariant: all three are set together, or all null.
  waitingOn: Waitable | null = null;
  resolveWait: ((value: unknown) => void) | null = null;
  rejectWait: ((error: unknown) => void) | null = null;
  prevParked: Task | null = null;
  nextParked: Task | null = null;

  // Heap entry of the task's sleep.
  at = Infinity;
  seq = 0;
  heapIndex = -1;

  constructor(
    readonly run: RunState,
    scope: Scope,
    public owner: TaskOwner | null,
  ) {
    this.scope = scope;
    this.base = scope;
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

  /** The sleep's deadline arrived. */
  expire(): void {
    wake(this, undefined);
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
