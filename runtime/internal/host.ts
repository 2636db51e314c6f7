/**
 * The host's scheduling functions, captured when corral loads, so the runtime keeps using the real ones even after
 * `corral/register` routes legacy code's timers onto a run's clock. The core imports nothing from `node:`: it only
 * reads globals that browsers, Deno and Bun have too.
 */
import { shared } from "./brand.ts";

// Shared with duplicate copies of corral (see brand.ts): one loaded after the hooks replaced the globals must still
// get the real ones.
const host = shared("host", () => ({
  setTimeout: globalThis.setTimeout,
  clearTimeout: globalThis.clearTimeout,
  setImmediate: typeof globalThis.setImmediate === "function" ? globalThis.setImmediate : undefined,
}));

export const hostSetTimeout: typeof globalThis.setTimeout = host.setTimeout;
export const hostClearTimeout: typeof globalThis.clearTimeout = host.clearTimeout;

const immediate: ((callback: () => void) => unknown) | undefined = host.setImmediate;

/** Run `callback` after the microtask queue has drained and the host had a turn (timers, I/O). */
export function onNextMacrotask(callback: () => void): void {
  if (immediate !== undefined) immediate(callback);
  else hostSetTimeout(callback, 0);
}

function resolveOnNextMacrotask(resolve: () => void): void {
  onNextMacrotask(resolve);
}

/** A promise that settles on the host's next macrotask turn. */
export function yieldToHost(): Promise<void> {
  return new Promise<void>(resolveOnNextMacrotask);
}

/**
 * Counts scheduling activity across all runs: checkpoints, parks, wake-ups, spawns and exits. The idle detector
 * (autojump, `waitAllTasksBlocked`) compares it across a host turn. One per process, shared with duplicate copies of
 * corral (see brand.ts), whose primitives may park this copy's tasks.
 */
export const activity: { count: number } = shared("activity", () => ({ count: 0 }));

/** How long checkpoints may run back to back before one gives the host a turn. */
const HOST_TURN_MS = 2;
/** How many checkpoints pass between looks at the clock (reading it costs about as much as a checkpoint). */
const CLOCK_EVERY = 256;
let checkpointsSinceClock = 0;
let lastHostTurn = performance.now();

/**
 * Whether this checkpoint should give the host a turn: one did not for {@link HOST_TURN_MS} of real time. Tasks
 * that only ever checkpoint run on microtasks, which would starve timers and I/O, and with them the deadline that
 * should interrupt the loop; a turn every 2 ms bounds that, at a cost too small to measure.
 */
export function hostTurnDue(): boolean {
  if (++checkpointsSinceClock < CLOCK_EVERY) return false;
  checkpointsSinceClock = 0;
  const now = performance.now();
  if (now - lastHostTurn < HOST_TURN_MS) return false;
  lastHostTurn = now;
  return true;
}
