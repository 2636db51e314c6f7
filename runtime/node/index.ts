/**
 * corral/node: the Node-only layer of the interop loop. This is the one place corral creates an AsyncLocalStorage
 * (it costs every await in the process, whether used or not, so the core never does, and neither does importing
 * this: only `installLoopHooks()`). Importing it also lets `run(main, { signals: true })` hear Ctrl-C.
 */
import { writeSync } from "node:fs";
import { interrupts } from "../internal/interrupts.ts";
import { UsageError } from "../errors.ts";
import { openLoops, type Loop } from "../loop.ts";
import { captureTimers } from "./capture-timers.ts";
import { createLoopStorage, hooksInstalled, loopHere } from "./loop-storage.ts";
import { ownHandles } from "./own-handles.ts";
import { routeErrors } from "./route-errors.ts";
import { trackIfStrict } from "./strict-handles.ts";
import { printTaskTree } from "./format-task-tree.ts";

export { formatTaskTree, printTaskTree } from "./format-task-tree.ts";
export { installTaskDump, type TaskDumpOptions } from "./task-dump.ts";
export { taskTree, type RunNode, type ScopeNode, type TaskNode, type WaitNode } from "./task-tree.ts";

/**
 * Make loops own the legacy code they run. After this, everything started inside `run` or `openLoop` (callbacks,
 * timers, promise continuations) sees its loop through {@link currentLoop}, and `toPromise(fn)` runs in it; and
 * inside a loop:
 * - `setTimeout`, `setInterval`, `setImmediate` (globals, `node:timers`, `node:timers/promises`) run on the run's
 *   clock (a `MockClock` drives them) and are cleared when the loop closes;
 * - an uncaught error or unhandled rejection fails the loop's scope;
 * - sockets, servers, child processes and `fs.watch` watchers are destroyed, killed or closed when the loop closes;
 * - a `strict` loop reports any other handle still alive at close.
 * Outside every loop Node behaves as before. Idempotent; call it once at startup, before any `run` (`corral/register`
 * does): a loop already open (inside `run`, `openLoop` or a `mockRun` body) cannot be given the hooks afterwards.
 * @throws UsageError when called for the first time while a corral loop is open; it then installs nothing
 */
export function installLoopHooks(): void {
  if (hooksInstalled()) return;
  if (openLoops.count > 0) {
    throw new UsageError(
      "installLoopHooks() was called while a corral loop is running (inside run, openLoop or a mockRun body): a loop " +
        "opened before the hooks cannot own the legacy work started in it, so its timers would stay on real time. " +
        "Call installLoopHooks() once before run: at the top of the program or test file, in a vitest setupFiles " +
        "module, or preload it with node --import corral/register.",
    );
  }
  createLoopStorage(trackIfStrict);
  routeErrors();
  captureTimers();
  ownHandles();
}

/**
 * The loop the calling code runs in, or `undefined` outside any (or before `installLoopHooks()`).
 * @example
 * installLoopHooks();
 * await run(async (cx) => { legacyLib.onData(() => currentLoop() /* the run's root loop *\/); });
 */
export function currentLoop(): Loop | undefined {
  return loopHere();
}

// Ctrl-C for run(main, { signals: true }): installed on import (a listener only while such a run is running). The
// second press says what was still running, the question a user who presses it twice is asking, then exits.
interrupts.listen = (onFirst) => {
  let interrupted = false;
  const onSigint = (): void => {
    if (interrupted) {
      try {
        printTaskTree((text) => writeSync(2, `corral: second Ctrl-C: exiting without waiting for these tasks:\n${text}`));
      } finally {
        process.exit(130);
      }
    }
    interrupted = true;
    onFirst();
  };
  process.on("SIGINT", onSigint);
  return () => void process.off("SIGINT", onSigint);
};
