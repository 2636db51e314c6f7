/**
 * Legacy timers inside a loop belong to it: `setTimeout`, `setInterval`, `setImmediate` (globals and `node:timers`)
 * and `node:timers/promises`. On the system clock they stay Node's own timers (same ordering against I/O, same
 * `Timeout` objects), owned by the loop and cleared when it closes; on any other clock (a `MockClock`) they are
 * virtual timers on the run's deadline heap, so the test's clock drives them. Outside a loop each function is
 * Node's own after one lookup. Errors thrown by the callbacks fail the loop (see route-errors.ts).
 *
 * Every function corral puts on a callback's stack has a name: tools cut stacks at anonymous frames (the REPL keeps
 * the frames above the last frame without a function name, which must be the user's own callback).
 */
import { syncBuiltinESMExports } from "node:module";
import timers from "node:timers";
import timersPromises from "node:timers/promises";
import { promisify } from "node:util";
import { isSystemClock } from "../clock.ts";
import type { Closer, LoopImpl } from "../loop.ts";
import { owningLoop } from "./loop-storage.ts";
import { invoke } from "./route-errors.ts";
import { VirtualTimer, virtualTimerOf } from "./virtual-timer.ts";
import { capturePromiseTimers } from "./capture-promise-timers.ts";

const native = {
  setTimeout: timers.setTimeout,
  clearTimeout: timers.clearTimeout,
  setInterval: timers.setInterval,
  clearInterval: timers.clearInterval,
  setImmediate: timers.setImmediate,
  clearImmediate: timers.clearImmediate,
  queueMicrotask: globalThis.queueMicrotask,
};

/**
 * The loop owning a native timer or immediate, from when the loop took it. Kept beside the object, not on it: a
 * property would show in `util.inspect` of every `Timeout`.
 */
const owners = new WeakMap<object, LoopImpl>();

const timeoutCloser: Closer = { kind: "setTimeout", close: (t) => native.clearTimeout(t as NodeJS.Timeout) };
const intervalCloser: Closer = { kind: "setInterval", close: (t) => native.clearInterval(t as NodeJS.Timeout) };
const immediateCloser: Closer = { kind: "setImmediate", close: (t) => native.clearImmediate(t as NodeJS.Immediate) };

/** Node's own limit: a delay above it (or below 1, or not a number) becomes 1 ms. */
const TIMEOUT_MAX = 2 ** 31 - 1;

/** Whether legacy timers of `loop` run on its run's clock rather than as Node timers. */
export function isVirtual(loop: LoopImpl): boolean {
  return !isSystemClock(loop.run.clock);
}

/** Node's coercion of a timer delay. */
export function delayOf(after: unknown): number {
  const ms = Number(after);
  return ms >= 1 && ms <= TIMEOUT_MAX ? ms : 1;
}

function setTimeout(this: unknown, callback: Function, after?: number, ...args: unknown[]): unknown {
  const loop = owningLoop();
  if (loop === undefined || typeof callback !== "function") return Reflect.apply(native.setTimeout, this, arguments);
  if (isVirtual(loop)) return new VirtualTimer(loop, callback, args, delayOf(after), false);
  const timer: NodeJS.Timeout = native.setTimeout(function ownedTimeout(this: unknown) {
    loop.disown(timer);
    invoke(loop, callback, this, args);
  }, after);
  return own(loop, timer, timeoutCloser);
}

function setInterval(this: unknown, callback: Function, after?: number, ...args: unknown[]): unknown {
  const loop = owningLoop();
  if (loop === undefined || typeof callback !== "function") return Reflect.apply(native.setInterval, this, arguments);
  if (isVirtual(loop)) return new VirtualTimer(loop, callback, args, delayOf(after), true);
  const timer = native.setInterval(function ownedInterval(this: unknown) {
    invoke(loop, callback, this, args);
  }, after);
  return own(loop, timer, intervalCloser);
}

function setImmediate(this: unknown, callback: Function, ...args: unknown[]): unknown {
  const loop = owningLoop();
  if (loop === undefined || typeof callback !== "function") return Reflect.apply(native.setImmediate, this, arguments);
  const immediate: NodeJS.Immediate = native.setImmediate(function ownedImmediate(this: unknown) {
    loop.disown(immediate);
    invoke(loop, callback, this, args);
  });
  return own(loop, immediate, immediateCloser);
}

function clearTimeout(timer: unknown): void {
  const virtual = virtualTimerOf(timer);
  if (virtual !== undefined) return void virtual.close();
  ownerOf(timer)?.disown(timer as object);
  native.clearTimeout(timer as NodeJS.Timeout);
}

function clearImmediate(immediate: unknown): void {
  ownerOf(immediate)?.disown(immediate as object);
  native.clearImmediate(immediate as NodeJS.Immediate);
}

function queueMicrotask(callback: () => void): void {
  const loop = owningLoop();
  // An error thrown by a microtask reaches 'uncaughtException' outside its async context: catch it here instead.
  if (loop === undefined || typeof callback !== "function") return native.queueMicrotask(callback);
  native.queueMicrotask(function ownedMicrotask() {
    invoke(loop, callback, undefined, []);
  });
}

/** The loop that owns `handle`, if any (anything may be passed to `clearTimeout`). */
function ownerOf(handle: unknown): LoopImpl | undefined {
  return typeof handle === "object" && handle !== null ? owners.get(handle) : undefined;
}

function own<T extends object>(loop: LoopImpl, handle: T, closer: Closer): T {
  owners.set(handle, loop);
  loop.own(handle, closer);
  return handle;
}

let installed = false;

/** Replace the timer functions (globals, `node:timers`, `node:timers/promises`) with their loop-aware versions. */
export function captureTimers(): void {
  if (installed) return;
  installed = true;
  const promises = capturePromiseTimers();
  Object.assign(setTimeout, { [promisify.custom]: promises.setTimeout });
  Object.assign(setImmediate, { [promisify.custom]: promises.setImmediate });
  const captured = {
    setTimeout,
    clearTimeout,
    setInterval,
    clearInterval: clearTimeout,
    setImmediate,
    clearImmediate,
  };
  Object.assign(timers, captured);
  Object.assign(globalThis, captured, { queueMicrotask });
  Object.assign(timersPromises, promises);
  Object.assign(timersPromises.scheduler, { wait: promises.wait, yield: promises.yield });
  syncBuiltinESMExports();
}
