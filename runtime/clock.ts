import { brandInternal, hasBrand } from "./internal/brand.ts";
import { hostClearTimeout, hostSetTimeout } from "./internal/host.ts";

/**
 * Where a run reads the time and how it asks to be woken. Time is in milliseconds on the clock's own scale; deadlines
 * are absolute on it. A run keeps one deadline heap and asks its clock for at most one wake-up at a time.
 * Use {@link SystemClock} (the default) in programs and `MockClock` from `corral/testing` in tests.
 */
export interface Clock {
  /** The current time in milliseconds. Must never go backwards. */
  now(): number;
  /**
   * Wake the run by calling `wake` once the time reaches `at`, replacing any earlier request. `Infinity` cancels the
   * request. A clock may call `wake` early (the run checks the time and asks again); never late on purpose.
   */
  wakeAt(at: number, wake: () => void): void;
  /**
   * For clocks that move by themselves when every task is blocked (a `MockClock` with autojump): how long, in real
   * milliseconds, the run must have been idle before it calls {@link Clock.idle}. Leave undefined for real clocks.
   */
  readonly idleThreshold?: number | undefined;
  /** Every task has been blocked for `idleThreshold`; `nextDeadline` is the earliest pending deadline of the run. */
  idle?(nextDeadline: number): void;
}

/** Whether `clock` is a {@link SystemClock}, of this copy of corral or of a duplicate one (see brand.ts). */
export function isSystemClock(clock: unknown): boolean {
  return clock instanceof SystemClock || hasBrand(clock, "SystemClock");
}

/** The real clock: `performance.now()` and one host timer. */
export class SystemClock implements Clock {
  private timer: ReturnType<typeof setTimeout> | undefined = undefined;
  private armedAt = Infinity;

  now(): number {
    return performance.now();
  }

  wakeAt(at: number, wake: () => void): void {
    if (at === this.armedAt) return;
    if (this.timer !== undefined) hostClearTimeout(this.timer);
    this.timer = undefined;
    this.armedAt = at;
    if (at === Infinity) return;
    // Host timers have millisecond granularity and may fire a little early; the run re-arms if so.
    const delay = Math.min(Math.max(Math.ceil(at - this.now()), 0), 0x7fffffff);
    this.timer = hostSetTimeout(() => {
      this.timer = undefined;
      this.armedAt = Infinity;
      wake();
    }, delay);
  }
}

brandInternal(SystemClock, "SystemClock");
