import { shared } from "./brand.ts";

/**
 * What runs record for a task dump beyond the tree they keep anyway: when each wait began (one clock read per wait)
 * and, with `sites`, where each `fromPromise` was called (one stack capture per call: 3-10 us measured). Off by default, so a program that never asks
 * for a dump pays one flag test per wait; corral/node's `installTaskDump()` turns it on. One per process, shared with
 * duplicate copies of corral (see brand.ts).
 */
export const trace: { on: boolean; sites: boolean } = shared("trace", () => ({ on: false, sites: false }));
