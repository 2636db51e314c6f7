import { UsageError } from "../errors.ts";
import type { HeapEntry } from "./deadline-heap.ts";
import { activity } from "./host.ts";
import type { Scope } from "./scope.ts";
import type { Task } from "./task.ts";
import { trace } from "./trace.ts";
import type { HandleWaiters } from "./wait-queue.ts";

/**
 * Parking: how a task blocks. A task waits on one thing at a time, so it has a single wait slot, `task.wait`, a
 * {@link Waiter} made when it parks. The waiter sits in the parked list of the task's innermost scope, so
 * cancellation finds it; the primitive wakes it normally. No AbortSignal and no listener per wait, and a task that
 * never waits carries only an empty slot.
 */

/** A primitive a task can wait on. `abandon` takes the waiter off its list when cancellation interrupts the wait. */
export interface Waitable {
  abandon(waiter: Waiter): void;
  /**
   * Cancellation reached the waiting task. Return true to keep it waiting: the primitive then settles the wait itself
   * later, with {@link wake} or {@link fail} (a bridge waiting for aborted legacy work to really stop). By default the
   * wait is rejected with the `Cancelled` at once.
   */
  deferCancel?(waiter: Waiter, error: unknown): boolean;
  /** What a task parked here waits on, for a task dump (corral/node's `taskTree`). Read only when one is taken. */
  describeWait?(waiter: Waiter): WaitInfo;
}

/** What a parked task waits on, as a task dump shows it: the operation, and plain facts about what it waits for. */
export interface WaitInfo {
  /** The operation: `"lock.acquire"`, `"receive"`, `"sleep"`, `"fromPromise"`, ... */
  readonly on: string;
  /** Facts about the primitive or the wait (a lock's holder, a channel's buffer, a sleep's end). */
  readonly facts?: Readonly<Record<string, unknown>> | undefined;
}

/**
 * A task's wait slot: what it waits on and how to resume it; also the heap entry of a sleep. A task keeps its
 * waiter between waits and reuses it, so blocking allocates only the promise being awaited.
 */
export class Waiter implements HeapEntry {
  /** Whether the task is parked on it now. */
  parked = false;
  /**
   * The scope whose parked list holds it (the task's innermost scope when it parked). Null while parked only when
   * cancellation waits for the primitive to settle the wait (see {@link Waitable.deferCancel}): the run then keeps
   * it in `stopping`, where a task dump finds it.
   */
  scope: Scope | null = null;
  on: Waitable | null = null;
  promise: Promise<unknown> | null = null;
  resolve: ((value: unknown) => void) | null = null;
  reject: ((error: unknown) => void) | null = null;
  /** Links in the scope's parked list (FIFO). */
  prev: Waiter | null = null;
  next: Waiter | null = null;
  /** Links in the primitive's wait queue, if it keeps one (see wait-queue.ts). */
  queuePrev: Waiter | null = null;
  queueNext: Waiter | null = null;
  /** What the wait carries: the value a blocked `send` offers, the borrower of a limiter, ... */
  payload: unknown = undefined;
  /** The handle the task is blocked on, where a primitive has several (a channel's clones), and its links there. */
  handle: HandleWaiters | null = null;
  handlePrev: Waiter | null = null;
  handleNext: Waiter | null = null;
  at = 0;
  seq = 0;
  heapIndex = -1;

  constructor(readonly task: Task) {}

  /** A sleep's deadline arrived. */
  expire(): void {
    wake(this.task, undefined);
  }
}

/**
 * Why `task` cannot block now (it is cancelled, finished, or already waiting), or `undefined` when it can.
 * Callers check this before registering the task with the primitive, then call {@link park}.
 */
export function blocked(task: Task, operation: string): unknown {
  const root = task.scope.cancelRoot;
  if (root !== null) return root.error;
  if (task.wait?.parked === true) {
    return new UsageError(
      `${operation}: this task is already waiting on something else. A task waits on one thing at a time; ` +
        "to wait on several, start each wait as its own task in a nursery (withNursery, all, race).",
    );
  }
  return undefined;
}

/** Block `task` on `on` until {@link wake} or cancellation. The caller has checked {@link blocked}. */
export function park<T>(task: Task, on: Waitable): Promise<T> {
  const scope = task.scope;
  const waiter = task.wait ?? (task.wait = new Waiter(task));
  // An inline executor: measured faster than a shared one that passes the resolvers through module variables.
  const promise = new Promise<unknown>((resolve, reject) => {
    waiter.resolve = resolve;
    waiter.reject = reject;
  }) as Promise<T>;
  waiter.parked = true;
  waiter.scope = scope;
  waiter.on = on;
  waiter.promise = promise;
  if (trace.on) trace.waits.set(waiter, { since: scope.run.clock.now(), wait: promise, site: null });
  const tail = scope.parkedTail;
  waiter.prev = tail;
  if (tail !== null) tail.next = waiter;
  else scope.parkedHead = waiter;
  scope.parkedTail = waiter;
  activity.count++;
  return promise;
}

/** Take the task's waiter out of its scope's parked list; returns it still holding what resumes the task. */
function unpark(task: Task): Waiter {
  const waiter = task.wait!;
  if (waiter.scope === null) task.run.stopping?.delete(waiter); // a deferred cancellation ends (see keepStopping)
  else unlink(waiter);
  waiter.parked = false;
  waiter.payload = undefined;
  return waiter;
}

/** Out of its scope's parked list (where cancellation looks), if it is still in one. */
function unlink(waiter: Waiter): void {
  const { prev, next, scope } = waiter;
  if (scope === null) return;
  if (prev !== null) prev.next = next;
  else scope.parkedHead = next;
  if (next !== null) next.prev = prev;
  else scope.parkedTail = prev;
  waiter.prev = waiter.next = null;
  waiter.scope = null;
}

/** Empty the waiter for its next use; the caller has taken what settles the wait that just ended. */
function clearSettlers(waiter: Waiter): void {
  waiter.on = null;
  waiter.promise = waiter.resolve = waiter.reject = null;
}

/** Resume a parked task with `value`. The primitive has already taken it off its own wait list. */
export function wake(task: Task, value: unknown): void {
  const waiter = unpark(task);
  const resolve = waiter.resolve!;
  clearSettlers(waiter);
  activity.count++;
  resolve(value);
}

/**
 * Cancellation reached a parked task: take it off its primitive and reject its wait with `error`, unless the
 * primitive defers (see {@link Waitable.deferCancel}); then the task stays parked, out of reach of further
 * cancellation, until the primitive settles it.
 */
export function interrupt(task: Task, error: unknown): void {
  const waiter = task.wait!;
  if (waiter.on!.deferCancel?.(waiter, error) === true) return keepStopping(waiter);
  rejectWait(task, error, true);
}

/** The primitive settles the cancelled wait later: out of reach of further cancellation, in reach of a task dump. */
function keepStopping(waiter: Waiter): void {
  const scope = waiter.scope;
  if (scope === null) return;
  unlink(waiter);
  (scope.run.stopping ??= new Map()).set(waiter, scope);
}

/** End a parked task's wait with `error` (the primitive has taken it off its own list). */
export function fail(task: Task, error: unknown): void {
  rejectWait(task, error, false);
}

/**
 * The wait outlived the scope it was made in (nobody awaited it before leaving). Reject it with `error`, marked as
 * handled: if someone still awaits it they see the error, and a floating one raises no unhandled rejection.
 */
export function discard(waiter: Waiter, error: unknown): void {
  waiter.promise!.catch(ignore);
  rejectWait(waiter.task, error, true);
}

function rejectWait(task: Task, error: unknown, abandon: boolean): void {
  const waiter = unpark(task);
  const reject = waiter.reject!;
  if (abandon) waiter.on!.abandon(waiter);
  clearSettlers(waiter);
  activity.count++;
  reject(error);
}

function ignore(): void {}
