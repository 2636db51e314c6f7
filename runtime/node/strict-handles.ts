/**
 * Strict loops report the handles created inside them that are still alive once they have closed what they own.
 * An async_hooks `init` hook records them (never a `destroy` hook, which costs every resource's end); it is enabled
 * only while a strict loop is open, since any hook with `init` makes every promise in the process slower.
 */
import { createHook } from "node:async_hooks";
import { yieldToHost } from "../internal/host.ts";
import type { LoopImpl } from "../loop.ts";
import { owningLoop } from "./loop-storage.ts";

interface Tracked {
  readonly type: string;
  readonly handle: WeakRef<{ hasRef(): boolean }>;
}

/** Captured timers are owned and cleared by the loop; requests end by themselves. Handles are what can outlive. */
const IGNORED = new Set(["PROMISE", "Timeout", "Immediate", "TickObject", "Microtask"]);

const tracked = new WeakMap<LoopImpl, Tracked[]>();
let strictLoops = 0;

const hook = createHook({
  init(_id, type, _trigger, resource: any) {
    if (IGNORED.has(type) || typeof resource?.hasRef !== "function") return;
    const loop = owningLoop();
    if (loop !== undefined && loop.strict) tracked.get(loop)?.push({ type, handle: new WeakRef(resource) });
  },
});

/** Start tracking `loop`'s handles if it is strict; the loop asks for the list of survivors at close. */
export function trackIfStrict(loop: LoopImpl): void {
  if (!loop.strict) return;
  if (strictLoops++ === 0) hook.enable();
  const mine: Tracked[] = [];
  tracked.set(loop, mine);
  loop.aliveCheck = async () => {
    if (--strictLoops === 0) hook.disable();
    // Closing a handle completes on the next turn of Node's event loop.
    await yieldToHost();
    const counts = new Map<string, number>();
    for (const { type, handle } of mine) {
      if (handle.deref()?.hasRef() === true) counts.set(type, (counts.get(type) ?? 0) + 1);
    }
    return [...counts].map(([type, n]) => (n === 1 ? type : `${type} x${n}`));
  };
}
