/**
 * Scoped code awaiting legacy Promise code, with cancellation crossing over: trio-asyncio's `aio_as_trio`. Why a
 * bridge at all: a plain `await legacy()` is not a checkpoint, so a timeout or a failing sibling cannot interrupt it;
 * and when it is stopped through a signal, the error it rejects with (an `AbortError`) is not a `Cancelled`, so the
 * scope that cancelled it would not absorb it.
 */
import type { Cx } from "./cx.ts";
import { UsageError } from "./errors.ts";
import { enter } from "./internal/blocking.ts";
import type { HeapEntry } from "./internal/deadline-heap.ts";
import { fail, park, wake, type WaitInfo, type Waitable, type Waiter } from "./internal/park.ts";
import { loopOf } from "./internal/scope.ts";
import type { Task } from "./internal/task.ts";
import { isThenable } from "./internal/thenable.ts";
import { trace } from "./internal/trace.ts";

/** Legacy work: a promise that is already running, or a function that starts it with an `AbortSignal`. */
export type LegacyWork<T> = PromiseLike<T> | ((signal: AbortSignal) => PromiseLike<T> | T);

/**
 * How long (ms, run's clock) cancellation waits by default for stoppable work (given the signal, or an `onCancel`) to
 * settle before detaching it: a bound on a stop that never settles its promise, not the normal path.
 */
export const DEFAULT_DETACH_AFTER = 1_000;

export interface FromPromiseOptions {
  /**
   * Called once when cancellation reaches the wait: stop work that takes no signal (`req.destroy()`). With it, a bare
   * promise is waited for like signal-taking work instead of being detached. The stop must also settle the promise
   * (reject or resolve it): `clearTimeout(t)` alone leaves it pending forever, and the wait then ends only after
   * `detachAfter`.
   */
  onCancel?: () => void;
  /**
   * After cancellation, wait at most this many ms (run's clock) for the work to settle, then detach it and throw
   * `Cancelled`. Default {@link DEFAULT_DETACH_AFTER} (1 s) for work that can be stopped (a function given the signal,
   * or `onCancel`), and `0` for a bare promise, which nothing can stop. Work detached when the default ran out is
   * reported as `unstopped` in the loop's report (and fails a `mockRun` test); `Infinity` waits however long it takes.
   */
  detachAfter?: number;
}

/**
 * Await legacy Promise work from scoped code, as a checkpoint. `work(signal)` gets the `AbortSignal` of the current
 * scope, which aborts when cancellation reaches this task; corral then waits until the work has really settled and
 * throws `Cancelled` ("Cancelled means it stopped"), whatever the work rejected with. If the work still resolves
 * with a value, the value is returned and the next checkpoint raises. A deadline ends every wait: work that has not
 * settled `detachAfter` ms (1 s by default) after cancellation is detached and `Cancelled` thrown. A bare promise
 * cannot be stopped: on cancellation it is detached (its late rejection is swallowed) and `Cancelled` is thrown at once.
 * @param cx - the current task's context
 * @param work - a promise, or `(signal) => promise`
 * @param options - `onCancel` to stop work that takes no signal, `detachAfter` to bound the wait for it to stop
 * @throws what the work rejects with before any cancellation; `Cancelled` once cancelled; UsageError for bad arguments
 * @example
 * const res = await fromPromise(cx, (signal) => fetch(url, { signal }));
 * const rows = await fromPromise(cx, db.query(sql), { onCancel: () => db.cancel() });
 */
export function fromPromise<T>(cx: Cx, work: LegacyWork<T>, options: FromPromiseOptions = {}): Promise<T> {
  try {
    const task = enter(cx, "fromPromise");
    const { onCancel, detachAfter } = options;
    if (onCancel !== undefined && typeof onCancel !== "function") {
      throw new UsageError(`fromPromise: options.onCancel must be a function, got ${typeof onCancel}`);
    }
    checkDetachAfter("fromPromise", detachAfter);
    let promise: PromiseLike<T>;
    let stoppable = onCancel !== undefined;
    if (typeof work === "function") {
      promise = Promise.resolve(work(task.scope.signal));
      stoppable = true;
    } else if (isThenable(work)) {
      promise = work;
    } else {
      throw new UsageError(
        `fromPromise(cx, work): work must be a promise or a function (signal) => promise, got ${typeof work}`,
      );
    }
    const defaulted = detachAfter === undefined && stoppable;
    const bridge = new PromiseBridge(task, promise, defaulted ? DEFAULT_DETACH_AFTER : (detachAfter ?? 0), onCancel, defaulted);
    const waiting = park<T>(task, bridge);
    if (trace.sites) traceSite(task);
    promise.then(settled.bind(bridge), failed.bind(bridge));
    return waiting;
  } catch (error) {
    return Promise.reject(error);
  }
}

/** Record where this bridged wait was made, for a task dump (see trace.ts). */
function traceSite(task: Task): void {
  const traced = trace.waits.get(task.wait!);
  if (traced !== undefined) traced.site = new Error("fromPromise called here");
}

/** Throw a UsageError naming `operation` unless `detachAfter` is undefined or a number of ms >= 0. */
export function checkDetachAfter(operation: string, detachAfter: unknown): void {
  if (detachAfter !== undefined && (typeof detachAfter !== "number" || !(detachAfter >= 0))) {
    throw new UsageError(`${operation}: options.detachAfter must be a number of ms >= 0, got ${String(detachAfter)}`);
  }
}

/**
 * One bridged wait. States: waiting, then either done, or (on cancellation) stopping until the work settles or
 * `detachAfter` passes, or detached, when the task has gone on and the work's outcome is dropped.
 */
class PromiseBridge implements Waitable, HeapEntry {
  private state: "waiting" | "stopping" | "detached" | "done" = "waiting";
  private cancelled: unknown = undefined;
  at = 0;
  seq = 0;
  heapIndex = -1;

  constructor(
    private readonly task: Task,
    private readonly work: PromiseLike<unknown>,
    private readonly detachAfter: number,
    private readonly onCancel: (() => void) | undefined,
    /** Whether `detachAfter` is the default for stoppable work: running out of it means the stop is broken (reported). */
    private readonly defaulted: boolean,
  ) {}

  describeWait(): WaitInfo {
    return { on: "fromPromise", facts: { state: this.state } };
  }

  deferCancel(_waiter: Waiter, error: unknown): boolean {
    if (this.onCancel !== undefined) {
      try {
        this.onCancel();
      } catch (thrown) {
        queueMicrotask(() => {
          if (this.begin()) fail(this.task, thrown);
        });
        return this.stopping(error, Infinity);
      }
    }
    if (this.detachAfter === 0) {
      this.detach();
      return false;
    }
    return this.stopping(error, this.detachAfter);
  }

  /** The wait ended without the work (cancelled at once, or swept): whatever the work does later is dropped. */
  abandon(): void {
    if (this.state !== "detached") this.detach();
    this.task.run.unschedule(this);
  }

  /** The detach deadline passed while the work was still stopping. */
  expire(): void {
    if (this.state !== "stopping") return;
    this.detach(this.defaulted);
    fail(this.task, this.cancelled);
  }

  /** The work resolved. */
  settle(value: unknown): void {
    if (this.begin()) wake(this.task, value);
  }

  /** The work rejected: with its error, or with the `Cancelled` if it was being stopped. */
  reject(error: unknown): void {
    const stopped = this.state === "stopping";
    if (this.begin()) fail(this.task, stopped ? this.cancelled : error);
  }

  /** The task goes on without the work: the loop adopts it as an orphan (counted, its late rejection swallowed). */
  private detach(unstopped = false): void {
    if (this.state === "done") return;
    this.state = "detached";
    loopOf(this.task.scope)?.adopt(this.work, unstopped);
  }

  private stopping(error: unknown, detachAfter: number): true {
    this.state = "stopping";
    this.cancelled = error;
    if (detachAfter !== Infinity) {
      this.at = this.task.now() + detachAfter;
      this.task.run.schedule(this);
    }
    return true;
  }

  /** Whether this outcome settles the task's wait (only the first does); a detached bridge drops it. */
  private begin(): boolean {
    if (this.state === "detached" || this.state === "done") return false;
    this.state = "done";
    this.task.run.unschedule(this);
    return true;
  }
}

// Bound per call rather than arrow fields: no closure context per bridge.
function settled(this: PromiseBridge, value: unknown): void {
  this.settle(value);
}

function failed(this: PromiseBridge, error: unknown): void {
  this.reject(error);
}
