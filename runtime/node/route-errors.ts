/**
 * Uncaught errors and unhandled rejections of legacy code inside a loop fail that loop's scope, instead of
 * crashing the process or vanishing. Everywhere else Node's own behaviour is kept exactly.
 *
 * How: corral adds no `uncaughtException`/`unhandledRejection` listener (one would change Node's behaviour for the
 * whole process: a listener means "handled"). It intercepts `process.emit` for those two events instead: when the
 * error belongs to a loop, the loop takes it and the emit reports it handled; otherwise the emit goes on as if
 * corral were not there. So the program's own listeners (and a test runner's) only see errors outside loops.
 *
 * Unhandled rejections are taken only in Node's default `--unhandled-rejections=throw` mode. A program run with
 * `warn` or `none` asked Node not to treat them as errors; in `strict` mode Node raises them as uncaught
 * exceptions first, which reach the loop that way.
 */
import type { LoopImpl } from "../loop.ts";
import { owningLoop } from "./loop-storage.ts";

type ErrorEvent = "uncaughtException" | "unhandledRejection";

/** The loop that defers to the program's own process listeners when it has some (corral/register's root loop). */
export const deference: { loop: LoopImpl | undefined } = { loop: undefined };

let installed = false;

/** Intercept uncaught errors and unhandled rejections for loops (idempotent). */
export function routeErrors(): void {
  if (installed) return;
  installed = true;
  const takeRejections = rejectionMode() === "throw";
  const nodeEmit = process.emit;
  // Every event of the process passes here: two comparisons, and the arguments passed on as they came. Named like
  // Node's own, since stack traces show it (a deprecation warning names the function that emitted the event).
  process.emit = function emit(this: NodeJS.Process, event: string | symbol, error?: unknown): boolean {
    const taken =
      (event === "uncaughtException" || (event === "unhandledRejection" && takeRejections)) &&
      deliver(owningLoop(), error, event);
    return taken || (Reflect.apply(nodeEmit, this, arguments) as boolean);
  } as typeof process.emit;
}

/**
 * Hand `error`, thrown by legacy code running in `loop`, to the loop. False when Node should handle it instead: no
 * loop, a loop that has finished, or the deferring loop of a program that handles `event` itself.
 */
export function deliver(loop: LoopImpl | undefined, error: unknown, event: ErrorEvent): boolean {
  if (loop === undefined) return false;
  if (loop === deference.loop && programHandles(event)) return false;
  return loop.fail(error);
}

/** Run a legacy callback of `loop`; what it throws fails the loop, or goes on to Node as before. */
export function invoke(loop: LoopImpl, callback: Function, self: unknown, args: readonly unknown[]): void {
  try {
    Reflect.apply(callback, self, args);
  } catch (error) {
    if (!deliver(loop, error, "uncaughtException")) throw error;
  }
}

/** Whether the program has its own handler for `event`: a listener, or a domain's capture callback. */
function programHandles(event: ErrorEvent): boolean {
  if (process.listenerCount(event) > 0) return true;
  return event === "uncaughtException" && process.hasUncaughtExceptionCaptureCallback();
}

/** Node's `--unhandled-rejections` mode, from the command line or NODE_OPTIONS ("throw" by default). */
function rejectionMode(): string {
  const flags = [...process.execArgv, ...(process.env["NODE_OPTIONS"] ?? "").split(/\s+/)];
  const flag = flags.reverse().find((f) => f.startsWith("--unhandled-rejections="));
  return flag?.slice("--unhandled-rejections=".length) ?? "throw";
}
