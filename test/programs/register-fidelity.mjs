// Run with --import corral/register: what Node's own tests check about a program must hold with the preload too.
// Prints one JSON line of observations.
import { inspect } from "node:util";
import { Worker } from "node:worker_threads";

const seen = {};

// The preload's process.emit is named as Node's own is: stack traces (and deprecation warnings) name it.
seen.emitName = process.emit.name;

// Inspected objects show Node's own properties only: no store of the loop, no owner of a timer.
const pending = new Promise(() => {});
const timer = setTimeout(() => {}, 1);
clearTimeout(timer);
seen.promise = inspect(pending);
seen.timerSymbols = Object.getOwnPropertySymbols(timer).map(String).filter((s) => !/refed|kHasPrimitive|asyncId|triggerId/.test(s));

// A worker inherits the preload; what its main module throws still reaches the parent's 'error' event.
const worker = new Worker(new URL("data:text/javascript,throw new Error('thrown in the worker')"));
worker.on("error", (error) => (seen.workerError = error.message));
worker.on("exit", (code) => {
  seen.workerExit = code;
  console.log(JSON.stringify(seen));
});
