/**
 * The host's scheduling functions, captured when corral loads, so the runtime keeps using the real ones even after
 * `corral/register` routes legacy code's timers onto a run's clock. The core imports nothing from `node:`: it only
 * reads globals that browsers, Deno and Bun have too.
 */

export const hostSetTimeout: typeof globalThis.setTimeout = globalThis.setTimeout;
export const hostClearTimeout: typeof globalThis.clearTimeout = globalThis.clearTimeout;

const immediate: ((callback: () => void) => unknown) | undefined =
  typeof globalThis.setImmediate === "function" ? globalThis.setImmediate : undefined;

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
 * (autojump, `waitAllTasksBlocked`) compares it across a host turn; checkpoints use it to give the host a turn
 * every {@link HOST_TURN_EVERY} of them, so a task looping on `checkpoint` cannot starve timers and I/O and
 * a deadline can always interrupt it.
 */
export const activity = { count: 0 };
export const HOST_TURN_EVERY = 1024;
