/**
 * The one AsyncLocalStorage corral creates: which loop the running legacy code belongs to, however deep in callbacks
 * and timers. It exists only once a loop is entered after `installLoopHooks()`, and the preload's root loop needs
 * none: it is the loop of everything outside the others (the fallback). So a program that never opens a loop of
 * its own runs under `corral/register` with no AsyncLocalStorage at all. That matters beyond its cost (every await
 * in the process): on Node 20 an AsyncLocalStorage tags every async resource and promise with enumerable symbol
 * properties (`kResourceStore`, `async_id_symbol`) that `util.inspect`, error messages and `v8.serialize` show.
 */
import { AsyncLocalStorage } from "node:async_hooks";
import { shared } from "../internal/brand.ts";
import { setLoopContext } from "../internal/loop-context.ts";
import type { Loop, LoopImpl } from "../loop.ts";

/** One per process, shared with duplicate copies of corral (see internal/brand.ts). */
const store = shared("loopStorage", () => ({
  /** Whether `installLoopHooks()` has run, through any copy of corral. */
  installed: false,
  /** Created on the first entry into a loop other than the fallback. */
  storage: undefined as AsyncLocalStorage<LoopImpl> | undefined,
  /** The loop of code that no other loop holds (corral/register's root loop), if any. */
  fallback: undefined as LoopImpl | undefined,
  /** Set while the fallback loop is being opened: the loops entered then need no storage either. */
  opening: false,
}));

/** Route the core's loop context through the storage; `opened` hears of every new loop. Once only. */
export function createLoopStorage(opened: (loop: LoopImpl) => void): void {
  store.installed = true;
  setLoopContext({ enter: enterLoop, current: loopHere, opened });
}

/** Run `fn` inside `loop`: everything it starts, synchronously or later, belongs to the loop. */
function enterLoop<T>(loop: Loop, fn: () => T): T {
  if (store.storage === undefined) {
    // With no storage yet, all code is in the fallback loop already (or in the loops that open it).
    if (store.opening || loop === store.fallback) return fn();
    store.storage = new AsyncLocalStorage<LoopImpl>();
  }
  return store.storage.run(loop as LoopImpl, fn);
}

/** Whether `installLoopHooks()` has run (through any copy of corral). */
export function hooksInstalled(): boolean {
  return store.installed;
}

/** The loop the calling code runs in (`undefined` outside any, or before the hooks are installed). */
export function loopHere(): LoopImpl | undefined {
  return store.storage?.getStore() ?? store.fallback;
}

/**
 * The loop the calling code runs in, if it still takes legacy work: a loop that has finished closing owns nothing
 * more, and what runs in it from then on is treated as outside any loop.
 */
export function owningLoop(): LoopImpl | undefined {
  const loop = loopHere();
  return loop === undefined || loop.finished ? undefined : loop;
}

/**
 * Open the loop of all code that no other loop holds, for the rest of the process (the preload's root loop): `open`
 * starts it synchronously and returns it. No storage is created for it, nor for the loops `open` enters on the way.
 */
export function openFallbackLoop(open: () => LoopImpl): void {
  store.opening = true;
  try {
    store.fallback = open();
  } finally {
    store.opening = false;
  }
}
