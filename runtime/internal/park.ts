import { UsageError } from "../errors.ts";
import { activity } from "./host.ts";
import type { Task } from "./task.ts";

/**
 * Parking: how a task blocks. A task waits on one thing at a time, so it has a single wait slot (its resolvers and
 * the {@link Waitable} it waits on) and sits in the parked list of its innermost scope. Cancellation walks that
 * list; a normal wake-up comes from the primitive. No AbortSignal and no listener per wait.
 */

/** A primitive a task can wait on. `abandon` takes the task off its wait list when cancellation interrupts the wait. */
export interface Waitable {
  abandon(task: Task): void;
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
  const scope = task.scope;
  if (scope === null) return task.finishedError(operation);
  const root = scope.cancelRoot;
  if (root !== null) return root.error;
  if (task.waitingOn !== null) {
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
  task.resolveWait = capturedResolve;
  task.rejectWait = capturedReject;
  task.waitingOn = on;
  const scope = task.scope!;
  const tail = scope.parkedTail;
  task.prevParked = tail;
  if (tail !== null) tail.nextParked = task;
  else scope.parkedHead = task;
  scope.parkedTail = task;
  activity.count++;
  return promise;
}

function unlink(task: Task): void {
  const { prevParked, nextParked } = task;
  const scope = task.scope!;
  if (prevParked !== null) prevParked.nextParked = nextParked;
  else scope.parkedHead = nextParked;
  if (nextParked !== null) nextParked.prevParked = prevParked;
  else scope.parkedTail = prevParked;
  task.prevParked = task.nextParked = null;
  task.waitingOn = null;
}

/** Resume a parked task with `value`. The primitive has already taken it off its own wait list. */
export function wake(task: Task, value: unknown): void {
  const resolve = task.resolveWait!;
  unlink(task);
  task.resolveWait = task.rejectWait = null;
  activity.count++;
  resolve(value);
}

/** Cancellation reached a parked task: take it off its primitive and reject its wait with `error`. */
export function interrupt(task: Task, error: unknown): void {
  const reject = task.rejectWait!;
  task.waitingOn!.abandon(task);
  unlink(task);
  task.resolveWait = task.rejectWait = null;
  activity.count++;
  reject(error);
}

/** The task is finishing while still parked (its wait was never awaited): drop the wait without settling it. */
export function discard(task: Task): void {
  task.waitingOn!.abandon(task);
  unlink(task);
  task.resolveWait = task.rejectWait = null;
}
