import type { Cx } from "../cx.ts";
import { UsageError } from "../errors.ts";

/** A function run while something is held: the caller's own cx, then its arguments. */
export type HeldFn<T, A extends unknown[]> = (cx: Cx, ...args: A) => Promise<T> | T;

/**
 * The body of `lock.withLock`, `limiter.run` and `semaphore.run`: check `fn`, wait for `acquire()` (if that throws,
 * nothing is held and nothing is released), run `fn(cx, ...args)`, and release whatever way it ends.
 */
export async function runHeld<T, A extends unknown[]>(
  operation: string,
  acquire: () => Promise<void>,
  release: () => void,
  cx: Cx,
  fn: HeldFn<T, A>,
  args: A,
): Promise<T> {
  if (typeof fn !== "function") {
    throw new UsageError(`${operation}(cx, fn, ...args): fn must be a function run as fn(cx, ...args), got ${typeof fn}`);
  }
  await acquire();
  try {
    return await fn(cx, ...args);
  } finally {
    release();
  }
}
