/**
 * Uncaught errors and unhandled rejections of legacy code inside a loop fail that loop's scope, instead of
 * crashing the process or vanishing. Everywhere else Node's own behaviour is kept: other listeners decide if the
 * program has any, else the error crashes the process as it would have.
 *
 * Unhandled rejections are taken only in Node's default `--unhandled-rejections=throw` mode. A program run with
 * `warn` or `none` asked Node not to treat them as errors, and any listener would silence Node's own warning; in
 * `strict` mode Node raises them as uncaught exceptions first, which reach the loop that way.
 */
import type { LoopImpl } from "../loop.ts";
import { owningLoop } from "./loop-storage.ts";

type ErrorEvent = "uncaughtException" | "unhandledRejection";

/** The loop that defers to the program's own process listeners when it has some (corral/register's root loop). */
export const deference: { loop: LoopImpl | undefined } = { loop: undefined };

let installed = false;

/** Listen for uncaught errors and unhandled rejections (idempotent). */
export function routeErrors(): void {
  if (installed) return;
  installed = true;
  process.on("uncaughtException", onUncaught);
  if (rejectionMode() === "throw") process.on("unhandledRejection", onUnhandled);
}

/**
 * Hand `error`, thrown by legacy code running in `loop`, to the loop. False when Node should handle it instead: no
 * loop, a loop that has finished, or the deferring loop of a program that listens for `event` itself.
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

/** Whether the program has its own handler for `event`: a listener besides corral's, or a domain's capture. */
function programHandles(event: ErrorEvent): boolean {
  if (process.listenerCount(event) > (installed ? 1 : 0)) return true;
  return event === "uncaughtException" && process.hasUncaughtExceptionCaptureCallback();
}

function onUncaught(error: unknown): void {
  if (deliver(owningLoop(), error, "uncaughtException")) return;
  if (process.listenerCount("uncaughtException") > 1) return; // the program handles it
  asNodeWould(error);
}

function onUnhandled(reason: unknown): void {
  if (deliver(owningLoop(), reason, "unhandledRejection")) return;
  if (process.listenerCount("unhandledRejection") > 1) return;
  asNodeWould(reason instanceof Error ? reason : unhandledRejectionError(reason));
}

/**
 * Let Node handle `error` as if nobody listened: stop listening and throw it again from a fresh tick (it crashes
 * the process with Node's own report and exit code). If the program survives it (an `uncaughtException` listener of
 * its own saw it), listen again.
 */
function asNodeWould(error: unknown): void {
  process.off("uncaughtException", onUncaught);
  process.off("unhandledRejection", onUnhandled); // (a no-op when it was not listening)
  installed = false;
  setImmediate(routeErrors);
  process.nextTick(() => {
    throw error;
  });
}

/** Node's `--unhandled-rejections` mode, from the command line or NODE_OPTIONS ("throw" by default). */
function rejectionMode(): string {
  const flags = [...process.execArgv, ...(process.env["NODE_OPTIONS"] ?? "").split(/\s+/)];
  const flag = flags.reverse().find((f) => f.startsWith("--unhandled-rejections="));
  return flag?.slice("--unhandled-rejections=".length) ?? "throw";
}

/** What Node throws for a rejection whose reason is not an Error. */
function unhandledRejectionError(reason: unknown): Error {
  const error = new Error(
    "This error originated either by throwing inside of an async function without a catch block, or by rejecting " +
      `a promise which was not handled with .catch(). The promise rejected with the reason "${String(reason)}".`,
  );
  error.name = "UnhandledPromiseRejection";
  Object.assign(error, { code: "ERR_UNHANDLED_REJECTION" });
  return error;
}
