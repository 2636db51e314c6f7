import { shared } from "./brand.ts";

/** What a traced wait records for a task dump. */
export interface WaitTrace {
  /** When the wait began, on the run's clock. */
  readonly since: number;
  /** The wait it describes (a waiter is reused): a dump ignores a trace of an earlier wait. */
  readonly wait: Promise<unknown>;
  /** Where a bridged wait (`fromPromise`) was made: an Error whose stack names the caller. */
  site: Error | null;
}

/**
 * What runs record for a task dump beyond the tree they keep anyway: when each wait began (one clock read and one
 * small object per wait) and, with `sites`, where each `fromPromise` was called (one stack capture per call: 3-10 us
 * measured). Off by default, so a program that never asks for a dump pays one flag test per wait and carries no
 * field for it; corral/node's `installTaskDump()` turns it on. The records live in `waits`, keyed by the task's
 * waiter. One per process, shared with duplicate copies of corral (see brand.ts).
 */
export const trace: { on: boolean; sites: boolean; readonly waits: WeakMap<object, WaitTrace> } = shared("trace", () => ({
  on: false,
  sites: false,
  waits: new WeakMap<object, WaitTrace>(),
}));
