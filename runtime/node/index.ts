/**
 * corral/node: the Node-only layer of the interop loop. This is the one place corral creates an AsyncLocalStorage
 * (it costs every await in the process, whether used or not, so the core never does, and neither does importing
 * this: only `installLoopHooks()`): with it, legacy code running inside a loop, however deep in callbacks and timers,
 * can find that loop, and `toPromise(fn)` runs in it. Importing it also lets `run(main, { signals: true })` hear
 * Ctrl-C.
 */
import { AsyncLocalStorage } from "node:async_hooks";
import { interrupts } from "../internal/interrupts.ts";
import { setLoopContext } from "../internal/loop-context.ts";
import type { Loop } from "../loop.ts";

let storage: AsyncLocalStorage<Loop> | undefined;

/**
 * Make loops visible to the code they run: after this, everything started inside `run` or `openLoop` (callbacks,
 * timers, promise continuations) sees its loop through {@link currentLoop}. Idempotent; call it once at startup
 * (`corral/register` does).
 */
export function installLoopHooks(): void {
  if (storage !== undefined) return;
  const loops = new AsyncLocalStorage<Loop>();
  storage = loops;
  setLoopContext({ enter: (loop, fn) => loops.run(loop, fn), current: () => loops.getStore() });
}

/**
 * The loop the calling code runs in, or `undefined` outside any (or before `installLoopHooks()`).
 * @example
 * installLoopHooks();
 * await run(async (cx) => { legacyLib.onData(() => currentLoop() /* the run's root loop *\/); });
 */
export function currentLoop(): Loop | undefined {
  return storage?.getStore();
}

// Ctrl-C for run(main, { signals: true }): installed on import (a listener only while such a run is running).
interrupts.listen = (onFirst) => {
  let interrupted = false;
  const onSigint = (): void => {
    if (interrupted) process.exit(130);
    interrupted = true;
    onFirst();
  };
  process.on("SIGINT", onSigint);
  return () => void process.off("SIGINT", onSigint);
};
