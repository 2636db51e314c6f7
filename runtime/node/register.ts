/**
 * corral/register: the preload that runs a whole program inside a root run and loop.
 *
 *     node --import corral/register app.js
 *     node --require corral/register app.js   (CommonJS programs, require hooks such as ts-node, esbuild-register)
 *
 * On Node 20 any `--import` sends the main file through the ESM loader: require hooks never see it, and the main
 * module runs only after the loader has turned the event loop (a forked child can miss a message its parent sent at
 * once). `--require` loads this module with require(esm) (Node 20.19 and later) before a main file that then runs as
 * it would without a preload. So nothing in this module's graph may use top-level await.
 *
 * Everything the program does belongs to the root loop: its timers, sockets, servers and child processes are
 * closed when the program ends, and an uncaught error or unhandled rejection fails the root scope, which stops
 * everything in it; then corral rethrows the error to Node, which reports it as any uncaught exception (exit code 1;
in a worker thread, which inherits the preload, the Worker's 'error' event). A program that
 * listens for `uncaughtException`, `unhandledRejection` or `SIGINT` itself keeps handling them: the root loop steps
 * aside. The first Ctrl-C cancels the root scope and waits for cleanup, then the process ends by SIGINT as Node's
 * would; a second one ends it at once.
 *
 * When the program ends by itself (Node's event loop is empty) the process exits as it would have: nothing is left
 * that keeps it alive, and unref'd timers or pending `timers/promises` waits stay silent, as in Node. With
 * `CORRAL_STRICT=1` the root loop is strict instead: at that point it closes, and reports and fails (exit code 1)
 * if legacy work is still alive.
 */
import { isCancelled } from "../errors.ts";
import { CTRL_C } from "../internal/scope.ts";
import { fromPromise } from "../from-promise.ts";
import { openLoop, type LoopImpl } from "../loop.ts";
import { run } from "../run.ts";
import { installLoopHooks } from "./index.ts";
import { openFallbackLoop } from "./loop-storage.ts";
import { deference } from "./route-errors.ts";

installLoopHooks();

const interrupted = new AbortController();
let programEnded: () => void = () => {};
let done!: Promise<unknown>;

const strict = process.env["CORRAL_STRICT"] === "1";
// The rest of the program (the main module and everything it schedules) runs inside the root loop.
openFallbackLoop(() => {
  let root: LoopImpl | undefined;
  done = run(
    (cx) =>
      openLoop(cx, { strict }, (loop) => {
        root = loop as LoopImpl;
        // Only a failure or a Ctrl-C ends the wait (a strict loop also ends when Node's event loop has run dry).
        const ended = new Promise<void>((resolve) => (programEnded = resolve));
        if (strict) process.once("beforeExit", programEnded);
        return fromPromise(cx, ended, { onCancel: programEnded });
      }),
    { signal: interrupted.signal },
  );
  deference.loop = root;
  return root!;
});

const onSigint = (): void => {
  if (process.listenerCount("SIGINT") > 1) return; // the program handles Ctrl-C itself
  if (interrupted.signal.aborted) return raiseSigint();
  interrupted.abort(CTRL_C); // its Cancelled then says Ctrl-C, not "the run's options.signal"
};
process.on("SIGINT", onSigint);

done.then(
  () => (interrupted.signal.aborted ? raiseSigint() : process.off("SIGINT", onSigint)),
  (error: unknown) => {
    if (isCancelled(error) && interrupted.signal.aborted) return raiseSigint();
    // The root loop has finished, so the error now meets Node's own handling of an uncaught exception: printed with
    // exit code 1 in the main thread, the Worker's 'error' event in a worker thread (a worker inherits the preload).
    process.nextTick(() => {
      throw error;
    });
  },
);

/** End the process by SIGINT, as Node does when nobody listens for it. */
function raiseSigint(): void {
  process.off("SIGINT", onSigint);
  process.kill(process.pid, "SIGINT");
}
