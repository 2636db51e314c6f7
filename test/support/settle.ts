import { afterEach, beforeEach } from "vitest";

/** Helpers for property tests that run many programs: settle one without hanging the suite, let the host turn. */

export type Outcome = { status: "fulfilled" } | { status: "rejected"; error: unknown } | { status: "hung" };

/** Real milliseconds after which a run counts as hung. */
export const HANG_MS = 2_000;

/** Settle `promise`, or report "hung" after `ms` of real time (a hang detector, not a duration assertion). */
export async function settleWithin(promise: Promise<unknown>, ms: number): Promise<Outcome> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const hang = new Promise<Outcome>((resolve) => {
    timer = setTimeout(() => resolve({ status: "hung" }), ms);
  });
  const settled = promise.then(
    (): Outcome => ({ status: "fulfilled" }),
    (error: unknown): Outcome => ({ status: "rejected", error }),
  );
  try {
    return await Promise.race([settled, hang]);
  } finally {
    clearTimeout(timer);
  }
}

/** Let the microtask queue drain and the host take a turn (unhandled rejections are reported by then). */
export function hostTurn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/**
 * Collect unhandled rejections while the tests of the calling `describe` run: returns the array, emptied before each
 * test. Call it inside a `describe` block.
 */
export function trackUnhandledRejections(): unknown[] {
  const rejections: unknown[] = [];
  const onRejection = (reason: unknown): void => {
    rejections.push(reason);
  };
  beforeEach(() => {
    rejections.length = 0;
    process.on("unhandledRejection", onRejection);
  });
  afterEach(() => {
    process.off("unhandledRejection", onRejection);
  });
  return rejections;
}
