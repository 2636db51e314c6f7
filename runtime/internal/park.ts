import { UsageError } from "../errors.ts";
import type { HeapEntry } from "./deadline-heap.ts";
import { activity } from "./host.ts";
import type { Scope } from "./scope.ts";
import type { Task } from "./task.ts";

/**
 * Parking: how a task blocks. A task waits on one thing at a time, so it has a single wait slot, `task.wait`, a
 * {@link Waiter} made when it parks. The waiter sits in the parked list of the task's innermost scope, so
 * cancellation finds it; the primitive wakes it normally. No AbortSignal and no listener per wait, and a task that
 * never waits carries only an empty slot.
 */

/** A primitive a task can wait on. `abandon` takes the waiter off its list when cancellation interrupts the wait. */
export interface Waitable {
  abandon(waiter: Waiter): void;
}

/** One parked wait: the task, what it waits on, how to resume it. Also the heap entry of a sleep. */
export class Waiter implements HeapEntry {
  /** Links in the scope's parked list (FIFO). */
  prev: Waiter | null = null;
  next: Waiter | null = null;
  /** Links in the primitive's wait queue, if it keeps one (see wait-queue.ts). */
  queuePrev: Waiter | null = null;
  queueNext: Waiter | null = null;
  /** What the wait carries: the value a blocked `send` offers, the borrower of a limiter, ... */
  payload: unknown = undefined;
  /** Which handle the task is blocked on, where a primitive has several (a channel's clones). */
  tag: unknown = undefined;
  at = 0;
  seq = 0;
  heapIndex = -1;

  constructor(
    readonly task: Task,
    /** The scope whose parked list holds this waiter (the task's innermost scope when it parked). */
    readonly scope: Scope,
    readonly on: Waitable,
    readonly promise: Promise<unknown>,
    readonly resolve: (value: unknown) => void,
    readonly reject: (error: unknown) => void,
  ) {}

  /** A sleep's deadline arrived. */
  expire(): void {
    wake(this.task, undefined);
  }
}

let capturedResolve: (value: unknown) => void = () => {};
let capturedReject: (error: unknown) => void = () => {};
function captureResolvers(resolve: (value: unknown) => void, reject: (error: unknown) => void): void {
  capturedResolve = resolve;
  capturedReject = reject;
}

/**
 * Why `task` cannot block now (it is cancelled, finished, or already waiting), or `undefined` when it can.
 * Callers check this before registering the task with the primitive, then call {@link park}.
 */
export function blocked(task: Task, operation: string): unknown {
  const root = task.scope.cancelRoot;
  if (root !== null) return root.error;
  if (task.wait !== null) {
    return new UsageError(
      `${operation}: this task is already waiting on something else. A task waits on one thing at a time; ` +
        "to wait on several, start each wait as its own task in a nursery (withNursery, all, race).",
    );
  }
  return undefined;
}

/** Block `task` on `on` until {@link wake} or cancellation. The caller has checked {@link blocked}. */
export function park<T>(task: Task, on: Waitable): Promise<T> {
  const promise = new Promise<unknown>(captureResolvers) as Promise<T>;
  const scope = task.scope;
  const waiter = new Waiter(task, scope, on, promise, capturedResolve, capturedReject);
  task.wait = waiter;
  const tail = scope.parkedTail;
  waiter.prev = tail;
  if (tail !== null) tail.next = waiter;
  else scope.parkedHead = waiter;
  scope.parkedTail = waiter;
  activity.count++;
  return promise;
}

/** Take the task's waiter out of its scope's parked list and empty the slot. */
function unpark(task: Task): Waiter {
  const waiter = task.wait!;
  const { prev, next, scope } = waiter;
  if (prev !== null) prev.next = next;
  else scope.parkedHead = next;
  if (next !== null) next.prev = prev;
  else scope.parkedTail = prev;
  task.wait = null;
  return waiter;
}

/** Resume a parked task with `value`. The primitive has already taken it off its own wait list. */
export function wake(task: Task, value: unknown): void {
  const waiter = unpark(task);
  activity.count++;
  waiter.resolve(value);
}

/** Cancellation reached a parked task: take it off its primitive and reject its wait with `error`. */
export function interrupt(task: Task, error: unknown): void {
  const waiter = unpark(task);
  waiter.on.abandon(waiter);
  activity.count++;
  waiter.reject(error);
}

/**
 * The wait outlived the scope it was made in (nobody awaited it before leaving). Reject it with `error`, marked as
 * handled: if someone still awaits it they see the error, and a floating one raises no unhandled rejection.
 */
export function discard(waiter: Waiter, error: unknown): void {
  unpark(waiter.task);
  waiter.on.abandon(waiter);
  waiter.promise.catch(ignore);
  waiter.reject(error);
}

function ignore(): void {}
