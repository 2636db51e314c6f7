import type { Cx } from "../cx.ts";
import { UsageError } from "../errors.ts";
import { dispose } from "./dispose-symbol.ts";
import type { UsingDisposable } from "./disposable.ts";
import { inOwnScope } from "./own-scope.ts";

/** What `lock.hold(cx)` and the other `hold`s resolve to: a `using` declaration releases it at the end of its block. */
export type Held = UsingDisposable;

/** What the helpers here hold: a Lock, a CapacityLimiter (for the calling task) or a Semaphore. */
export interface Holdable {
  acquire(cx: Cx): Promise<void>;
  release(cx: Cx): void;
}

/** A function run while something is held: the caller's own cx, then its arguments. */
export type HeldFn<T, A extends unknown[]> = (cx: Cx, ...args: A) => Promise<T> | T;

/**
 * The body of `lock.withLock`, `capacityLimiter.run` and `semaphore.run`: check `fn`, wait for `acquire` (if that
 * throws, nothing is held and nothing is released), run `fn(cx, ...args)`, and release whatever way it ends; in a
 * scope of its own, so a forgotten `await` is reported once (own-scope.ts).
 */
export function runHeld<T, A extends unknown[]>(
  what: Holdable,
  operation: string,
  cx: Cx,
  fn: HeldFn<T, A>,
  args: A,
): Promise<T> {
  return inOwnScope(cx, operation, async (cx) => {
    if (typeof fn !== "function") {
      throw new UsageError(
        `${operation}(cx, fn, ...args): fn must be a function run as fn(cx, ...args), got ${typeof fn}`,
      );
    }
    await what.acquire(cx);
    try {
      return await fn(cx, ...args);
    } finally {
      what.release(cx);
    }
  });
}

/**
 * The body of `lock.hold`, `capacityLimiter.hold` and `semaphore.hold`: wait for `acquire`, then return what a
 * `using` declaration releases at the end of its block. Disposing twice releases once.
 */
export function hold(what: Holdable, cx: Cx, operation: string): Promise<Held> {
  return inOwnScope(cx, operation, async (cx) => {
    await what.acquire(cx);
    let held = true;
    const disposable: Disposable = {
      [dispose]() {
        if (!held) return;
        held = false;
        what.release(cx);
      },
    };
    return disposable as Held;
  });
}
