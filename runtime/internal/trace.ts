import { shared } from "./brand.ts";

/**
 * What runs record for a task dump beyond the tree they keep anyway: when each wait began (one clock read per wait)
 * and where each `fromPromise` was called (one stack capture per call). Off by default, so a program that never asks
 * for a dump pays one flag test per wait; corral/node's `installTaskDump()` turns it on. One per process, shared with
 * duplicate copies of corral (see brand.ts).
 */
export const trace: { on: boolean } = shared("trace", () => ({ on: false }));
