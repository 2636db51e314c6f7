/**
 * The task dump on a signal. Opt-in, process-wide, and a function rather than a `run` option: a signal belongs to
 * the process, not to one run (one listener prints every run); the signal must be choosable (nodemon restarts its
 * child with SIGUSR2 by default, `node --report-on-signal` uses it too); and the recording it turns on (wait times,
 * `fromPromise` call sites) is a process-wide cost the program chooses to pay, once, at startup.
 */
import { UsageError } from "../errors.ts";
import { trace } from "../internal/trace.ts";
import { printTaskTree } from "./format-task-tree.ts";

/** Options of {@link installTaskDump}. */
export interface TaskDumpOptions {
  /** The signal that prints the dump: `"SIGUSR2"` by default; `false` for none (only the recording). */
  signal?: NodeJS.Signals | false;
  /** Where the dump goes: standard error by default, written synchronously. */
  write?: (text: string) => void;
  /**
   * Record where each `fromPromise` was called (`true` by default): a stack capture per bridged await, 3-10 us.
   * `false` keeps the wait times (one clock read per wait) and drops the call sites.
   */
  callSites?: boolean;
}

/** The `callSites` choice of each installation still in effect: tracing is on while there is one. */
const installs: boolean[] = [];

function retrace(): void {
  trace.on = installs.length > 0;
  trace.sites = installs.includes(true);
}

/**
 * Turn on the task dump: from now on runs record when each wait began and where each `fromPromise` was called (one
 * clock read per wait and, unless `callSites: false`, one stack capture per bridged await), and the signal prints
 * {@link formatTaskTree} of every run. Until then nothing is recorded: a `taskTree()` still shows every task, scope
 * and wait, without durations and call sites. A listener for the signal replaces Node's default action for it (SIGUSR2 would end the process).
 * @returns a function that removes the listener and, once every installation is removed, stops the recording
 * @example
 * import { installTaskDump } from "corral/node";
 * installTaskDump(); // then: kill -USR2 <pid>
 */
export function installTaskDump(options: TaskDumpOptions = {}): () => void {
  const { signal = "SIGUSR2", write, callSites = true } = options;
  if (signal !== false && typeof signal !== "string") {
    throw new UsageError(`installTaskDump: options.signal must be a signal name such as "SIGUSR2", or false; got ${typeof signal}`);
  }
  if (write !== undefined && typeof write !== "function") {
    throw new UsageError(`installTaskDump: options.write must be a function (text) => void, got ${typeof write}`);
  }
  const print = (): void => printTaskTree(write);
  if (signal !== false) process.on(signal, print);
  installs.push(callSites);
  retrace();
  let removed = false;
  return () => {
    if (removed) return;
    removed = true;
    if (signal !== false) process.off(signal, print);
    installs.splice(installs.indexOf(callSites), 1);
    retrace();
  };
}
