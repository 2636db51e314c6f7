import type { Clock } from "../clock.ts";
import { DeadlineHeap, type HeapEntry } from "./deadline-heap.ts";
import { activity, hostClearTimeout, hostSetTimeout, onNextMacrotask } from "./host.ts";
import type { Scope } from "./scope.ts";
import type { Task } from "./task.ts";
import { wake, type Waitable, type WaitInfo, type Waiter } from "./park.ts";

/**
 * What one `run()` owns: its clock, its deadline heap (one armed host timer at most), its live-task count, and the
 * idle detector that drives MockClock autojump and `waitAllTasksBlocked`.
 *
 * Idle detection: JavaScript gives no view of the microtask queue, but a macrotask callback only runs once it is
 * empty, that is once every task is blocked on something (a corral wait, a timer, I/O). The detector schedules one
 * such callback and compares the activity counter across it; unchanged means nothing ran in between.
 */
export class RunState implements Waitable {
  readonly heap = new DeadlineHeap();
  private armedAt = Infinity;
  private idleWaiters: Waiter[] = [];
  private idlePending = false;
  private idleTimer: ReturnType<typeof setTimeout> | undefined = undefined;
  private closed = false;
  /**
   * Cancelled waits still waiting for their work to stop, with the scope they were parked in (see `Waiter.scope`);
   * made on first use.
   */
  stopping: Map<Waiter, Scope> | null = null;

  constructor(
    readonly clock: Clock,
    readonly strict: boolean,
  ) {}

  /** Wake `entry` at `entry.at` (which must be finite). */
  schedule(entry: HeapEntry): void {
    this.heap.update(entry);
    if (entry.at < this.armedAt) this.arm();
  }

  unschedule(entry: HeapEntry): void {
    if (entry.heapIndex < 0) return;
    this.heap.remove(entry);
    // A removed minimum leaves the clock armed early; the spurious wake-up re-arms. Only an empty heap disarms, so
    // cancelling many sleepers does not re-arm the host timer once per sleeper.
    if (this.heap.size === 0) this.disarm();
  }

  private arm(): void {
    this.armedAt = this.heap.nextAt;
    this.clock.wakeAt(this.armedAt, this.onWake);
    this.requestIdleCheck();
  }

  private disarm(): void {
    if (this.armedAt === Infinity) return;
    this.armedAt = Infinity;
    this.clock.wakeAt(Infinity, this.onWake);
  }

  private readonly onWake = (): void => {
    this.armedAt = Infinity;
    const now = this.clock.now();
    for (let top = this.heap.peek(); top !== undefined && top.at <= now; top = this.heap.peek()) {
      this.heap.remove(top);
      top.expire();
    }
    if (this.heap.size > 0) this.arm();
  };

  /** Park `task` until every task of the run is blocked (see `waitAllTasksBlocked`). */
  addIdleWaiter(task: Task): void {
    this.idleWaiters.push(task.wait!);
    this.requestIdleCheck();
  }

  /** A sleep waits for its deadline; a waiter off the heap is a `waitAllTasksBlocked`. */
  describeWait(waiter: Waiter): WaitInfo {
    return waiter.heapIndex >= 0 ? { on: "sleep", facts: { until: waiter.at } } : { on: "waitAllTasksBlocked" };
  }

  abandon(waiter: Waiter): void {
    if (waiter.heapIndex >= 0) return this.unschedule(waiter);
    const i = this.idleWaiters.indexOf(waiter);
    if (i >= 0) this.idleWaiters.splice(i, 1);
  }

  private requestIdleCheck(): void {
    if (this.idlePending || this.closed) return;
    const waiters = this.idleWaiters.length > 0;
    const threshold = this.clock.idleThreshold;
    if (!waiters && (threshold === undefined || this.heap.size === 0)) return;
    this.idlePending = true;
    const seen = activity.count;
    const check = (): void => this.checkIdle(seen);
    if (waiters || threshold === 0) onNextMacrotask(check);
    else this.idleTimer = hostSetTimeout(check, threshold);
  }

  private checkIdle(seen: number): void {
    this.idlePending = false;
    this.idleTimer = undefined;
    if (this.closed) return;
    if (activity.count === seen) {
      if (this.idleWaiters.length > 0) {
        // Waiters go before autojump, as in Trio: a test can observe "everything is blocked" before time moves.
        const waiters = this.idleWaiters;
        this.idleWaiters = [];
        for (const waiter of waiters) wake(waiter.task, undefined);
      } else if (this.heap.size > 0) {
        this.clock.idle?.(this.heap.nextAt);
      }
    }
    this.requestIdleCheck();
  }

  /** Called once the root task has finished; returns how many timers were still pending. */
  close(): number {
    this.closed = true;
    if (this.idleTimer !== undefined) hostClearTimeout(this.idleTimer);
    const pending = this.heap.size;
    this.disarm();
    return pending;
  }
}
