import { SystemClock, type Clock } from "./clock.ts";
import type { Cx } from "./cx.ts";
import { Cancelled, MultiError, UsageError } from "./errors.ts";
import { RunState } from "./internal/run-state.ts";
import { interrupts } from "./internal/interrupts.ts";
import { liveRuns } from "./internal/live-runs.ts";
import { CTRL_C, runCancelledBy, Scope } from "./internal/scope.ts";
import { sweep } from "./internal/sweep.ts";
import { Task } from "./internal/task.ts";
import { openLoop } from "./loop.ts";

/** Options of `run`. */
export interface RunOptions {
  /** The clock for deadlines and sleeps; `new SystemClock()` by default, a `MockClock` in tests. */
  clock?: Clock;
  /** Aborting it cancels the whole run; `run` then rejects with `Cancelled` (source "signal"). `undefined` is none. */
  signal?: AbortSignal | undefined;
  /**
   * Ctrl-C cancels the run: the first SIGINT cancels the root scope (source "signal") and waits for cleanup, a second
   * one prints the tasks still running to stderr (corral/node's `printTaskTree`) and exits at once (code 130). Needs
   * `corral/node` imported (its import sets this up; nothing else is installed).
   */
  signals?: boolean;
  /**
   * When a nursery collects several failures: `false` (default) rethrows the first unchanged with the others kept on
   * it (`MultiError.suppressed(e)`), or a `MultiError` when the first cannot carry them (a thrown string or number, a
   * frozen error); `true` throws a `MultiError` holding all of them.
   */
  strict?: boolean;
}

/**
 * Run `main(cx)` as the root task of a new run and resolve to its result once it, and everything it started, has
 * finished. The run's root scope has no deadline; cancel it with `options.signal`.
 * @throws whatever `main` throws; `Cancelled` if the run was cancelled through `options.signal`;
 *   `UsageError` if a task, scope or timer was left running when `main` returned (something was not awaited)
 * @example
 * await run(async (cx) => {
 *   await failAfter(cx, 10_000, (cx) => syncEverything(cx));
 * });
 */
export async function run<T>(main: (cx: Cx) => Promise<T> | T, options: RunOptions = {}): Promise<T> {
  if (typeof main !== "function") throw new UsageError(`run(main): main must be a function (cx) => ..., got ${typeof main}`);
  if (options.signals === true && interrupts.listen === undefined) {
    throw new UsageError(
      "run(main, { signals: true }) needs corral/node to hear Ctrl-C: add `import \"corral/node\";` to the program",
    );
  }
  const state = new RunState(options.clock ?? new SystemClock(), options.strict ?? false);
  const root = new Scope(state);
  root.attach(null);
  const task = new Task(root, main.name);
  root.owner = task;
  liveRuns.add(root);
  const { signal } = options;
  const onAbort = (): void => root.cancelWith("signal", signal?.reason);
  if (signal?.aborted) onAbort();
  else signal?.addEventListener("abort", onAbort, { once: true });
  const stopListening =
    options.signals === true
      ? interrupts.listen!(() => root.cancelWith("signal", CTRL_C))
      : undefined;

  let value: T | undefined;
  let failure: unknown;
  let failed = false;
  try {
    // The root loop: legacy code started by main can call back into scoped code (see currentLoop in corral/node).
    const result = openLoop(task, () => main(task)) as Promise<T>;
    task.done = result;
    value = await result;
  } catch (error) {
    failed = true;
    failure = error;
  }
  liveRuns.delete(root);
  signal?.removeEventListener("abort", onAbort);
  stopListening?.();
  const misuse = task.scope === root ? sweep(root, "the run") : outOfOrder();
  root.detach();
  const timers = state.close();
  if (failed) {
    // The root scope's own Cancelled says "let it propagate" to code inside; out here the run is over.
    const cancelled = root.error;
    if (cancelled !== null && failure === cancelled) failure = new Cancelled(cancelled.source, cancelled.reason, ranOut(cancelled.reason));
    throw misuse === undefined ? failure : MultiError.keep(failure, [misuse]);
  }
  if (misuse !== undefined) throw misuse;
  if (timers > 0) throw new Error(`corral bug: ${timers} timer(s) were still armed after the run was swept`);
  return value as T;
}

function ranOut(reason: unknown): string {
  return `run(main) was cancelled${runCancelledBy(reason)}. Every task has stopped and cleaned up.`;
}

function outOfOrder(): UsageError {
  return new UsageError(
    "main returned while a scope it entered was still open: await withNursery, withCancelScope, moveOnAfter and " +
      "the other scope functions before returning.",
  );
}
