/**
 * The one AsyncLocalStorage corral creates (it costs every await in the process, so it exists only once
 * `installLoopHooks()` ran): which loop the running legacy code belongs to, however deep in callbacks and timers.
 */
import { AsyncLocalStorage } from "node:async_hooks";
import { shared } from "../internal/brand.ts";
import { setLoopContext } from "../internal/loop-context.ts";
import type { LoopImpl } from "../loop.ts";

/** The storage, once created; one per process, shared with duplicate copies of corral (see internal/brand.ts). */
const store = shared("loopStorage", () => ({ storage: undefined as AsyncLocalStorage<LoopImpl> | undefined }));

/** Create the storage and route the core's loop context through it; `opened` hears of every new loop. Once only. */
export function createLoopStorage(opened: (loop: LoopImpl) => void): void {
  const loops = new AsyncLocalStorage<LoopImpl>();
  store.storage = loops;
  setLoopContext({
    enter: (loop, fn) => loops.run(loop as LoopImpl, fn),
    current: () => loops.getStore(),
    opened,
  });
}

/** Whether the storage exists (`installLoopHooks()` has run, through any copy of corral). */
export function hooksInstalled(): boolean {
  return store.storage !== undefined;
}

/** The loop the calling code runs in (`undefined` outside any, or before the hooks are installed). */
export function loopHere(): LoopImpl | undefined {
  return store.storage?.getStore();
}

/**
 * The loop the calling code runs in, if it still takes legacy work: a loop that has finished closing owns nothing
 * more, and what runs in it from then on is treated as outside any loop.
 */
export function owningLoop(): LoopImpl | undefined {
  const loop = store.storage?.getStore();
  return loop === undefined || loop.finished ? undefined : loop;
}

/** Make `loop` current for the rest of the caller's synchronous execution and what it schedules (the preload). */
export function enterLoopForever(loop: LoopImpl): void {
  store.storage!.enterWith(loop);
}
