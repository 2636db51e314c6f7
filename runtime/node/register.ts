/**
 * corral/register: the preload that runs a whole program inside a root run and loop.
 *
 *     node --import corral/register app.js
 *
 * Everything the program does belongs to the root loop: its timers, sockets, servers and child processes are
 * closed when the program ends, and an uncaught error or unhandled rejection fails the root scope, which stops
 * everything in it (then the process reports the error and exits with code 1, as Node would). A program that
 * listens for `uncaughtException`, `unhandledRejection` or `SIGINT` itself keeps handling them: the root loop steps
 * aside. The first Ctrl-C cancels the root scope and waits for cleanup, then the process ends by SIGINT as Node's
 * would; a second one ends it at once. `CORRAL_STRICT=1` makes the root loop strict: a handle still alive at the
 * end is reported and the exit code is 1.
 */
import { inspect } from "node:util";
import { isCancelled } from "../errors.ts";
import { fromPromise } from "../from-promise.ts";
import { openLoop, type LoopImpl } from "../loop.ts";
import { run } from "../run.ts";
import { installLoopHooks } from "./index.ts";
import { enterLoopForever } from "./loop-storage.ts";
import { deference } from "./route-errors.ts";

installLoopHooks();

const interrupted = new AbortController();
let programEnded: () => void = () => {};
let root: LoopImpl | undefined;

const done = run(
  (cx) =>
    openLoop(cx, { strict: process.env["CORRAL_STRICT"] === "1" }, (loop) => {
      root = loop as LoopImpl;
      // Node's event loop has run dry: the program has ended. A Ctrl-C ends it too (the wait is cancelled).
      const ended = new Promise<void>((resolve) => (programEnded = resolve));
      process.once("beforeExit", programEnded);
      return fromPromise(cx, ended, { onCancel: programEnded });
    }),
  { signal: interrupted.signal },
);

// The rest of the program (the main module and everything it schedules) runs inside the root loop.
enterLoopForever(root!);
deference.loop = root;

const onSigint = (): void => {
  if (process.listenerCount("SIGINT") > 1) return; // the program handles Ctrl-C itself
  if (interrupted.signal.aborted) return raiseSigint();
  interrupted.abort("SIGINT: Ctrl-C (press it again to exit at once)");
};
process.on("SIGINT", onSigint);

done.then(
  () => process.off("SIGINT", onSigint),
  (error: unknown) => {
    if (isCancelled(error) && interrupted.signal.aborted) return raiseSigint();
    process.stderr.write(`${inspect(error)}\n\nThe program failed inside corral's root loop (corral/register).\n`);
    process.exit(1);
  },
);

/** End the process by SIGINT, as Node does when nobody listens for it. */
function raiseSigint(): void {
  process.off("SIGINT", onSigint);
  process.kill(process.pid, "SIGINT");
}
