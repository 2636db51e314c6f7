import type { Loop, LoopImpl } from "../loop.ts";
import { shared } from "./brand.ts";

/**
 * How the core knows which loop legacy code is running in. The core has no AsyncLocalStorage (it must run outside
 * Node, and one costs every await in the process), so by default it knows nothing: `toPromise` without a loop runs a
 * fresh root run. `corral/node`'s `installLoopHooks()` replaces these with its single AsyncLocalStorage.
 */
export interface LoopContext {
  /** Run `fn` so that everything it starts, synchronously or later, is inside `loop`. */
  enter<T>(loop: Loop, fn: () => T): T;
  /** The loop the caller is inside, if any. */
  current(): Loop | undefined;
  /** A loop has opened (corral/node starts tracking handles for strict loops). */
  opened?: ((loop: LoopImpl) => void) | undefined;
}

/** One per process, shared with duplicate copies of corral, so hooks installed through one serve both (brand.ts). */
export const loopContext: LoopContext = shared("loopContext", () => ({
  enter: (_loop, fn) => fn(),
  current: () => undefined,
}));

/** Replace the hooks (corral/node does, once). */
export function setLoopContext(context: LoopContext): void {
  loopContext.enter = context.enter;
  loopContext.current = context.current;
  loopContext.opened = context.opened;
}
