import type { Clock } from "../clock.ts";
import { UsageError } from "../errors.ts";

/** Options of `new MockClock(options)`. */
export interface MockClockOptions {
  /** The starting time in ms (default 0). */
  start?: number;
  /**
   * Jump to the next deadline whenever every task is blocked: `true` as soon as they are, a number to wait that many
   * real milliseconds first (Trio's `autojump_threshold`, for tests that also wait on real I/O). Default `false`.
   */
  autojump?: boolean | number;
}

/**
 * A clock that moves only when told: `jump(ms)`, or by itself with `autojump`, so a test that sleeps an hour runs
 * instantly and deterministically. Pass it to `run(main, { clock })`, or use `mockRun`.
 * @example
 * const clock = new MockClock({ autojump: true });
 * await run(async (cx) => { await sleep(cx, 3_600_000); }, { clock }); // returns at once; clock.now() === 3_600_000
 */
export class MockClock implements Clock {
  private time: number;
  private armedAt = Infinity;
  private wake: (() => void) | null = null;
  /** See {@link MockClockOptions.autojump}; may be changed at any time. */
  autojump: boolean | number;

  constructor(options: MockClockOptions = {}) {
    const { start = 0, autojump = false } = options;
    if (typeof start !== "number" || !Number.isFinite(start)) {
      throw new UsageError(`new MockClock({ start }): start must be a finite number of ms, got ${String(start)}`);
    }
    if (typeof autojump === "number" && !(autojump >= 0)) {
      throw new UsageError(`new MockClock({ autojump }): a threshold must be a number of ms >= 0, got ${autojump}`);
    }
    this.time = start;
    this.autojump = autojump;
  }

  now(): number {
    return this.time;
  }

  get idleThreshold(): number | undefined {
    const { autojump } = this;
    return autojump === false ? undefined : autojump === true ? 0 : autojump;
  }

  wakeAt(at: number, wake: () => void): void {
    this.armedAt = at;
    this.wake = at === Infinity ? null : wake;
    if (at <= this.time) queueMicrotask(() => this.fire());
  }

  idle(nextDeadline: number): void {
    if (this.autojump === false || nextDeadline === Infinity) return;
    this.jump(Math.max(0, nextDeadline - this.time));
  }

  /**
   * Move time forward by `ms` and wake whatever became due. Sleepers and deadlines fire in deadline order.
   * @throws UsageError for a negative or non-number `ms` (time never goes backwards)
   */
  jump(ms: number): void {
    if (typeof ms !== "number" || !(ms >= 0)) {
      throw new UsageError(`clock.jump was given ${String(ms)}; expected a number of ms >= 0 (time never goes back)`);
    }
    this.time += ms;
    this.fire();
  }

  private fire(): void {
    if (this.armedAt > this.time || this.wake === null) return;
    const wake = this.wake;
    this.armedAt = Infinity;
    this.wake = null;
    wake();
  }
}
