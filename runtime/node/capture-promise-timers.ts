/**
 * `node:timers/promises` inside a loop. On the system clock Node's own functions run with the loop's signal added
 * (the loop aborts it when it closes, so a pending legacy `await setTimeout(ms)` rejects with an `AbortError` then,
 * as with any aborted signal); on another clock they wait on virtual timers of the run's clock.
 */
import timersPromises from "node:timers/promises";
import type { LoopImpl } from "../loop.ts";
import { delayOf, isVirtual } from "./capture-timers.ts";
import { owningLoop } from "./loop-storage.ts";
import { VirtualTimer } from "./virtual-timer.ts";

type Options = { signal?: AbortSignal; ref?: boolean } | undefined;

const native = {
  setTimeout: timersPromises.setTimeout,
  setImmediate: timersPromises.setImmediate,
  setInterval: timersPromises.setInterval,
  wait: timersPromises.scheduler.wait,
  yield: timersPromises.scheduler.yield,
};

/** The loop-aware versions, built once the callback timers exist (virtual waits use no Node timer at all). */
export function capturePromiseTimers() {
  return {
    setTimeout(this: unknown, delay?: number, value?: unknown, options?: Options): Promise<unknown> {
      const loop = owningLoop();
      if (loop === undefined || !plain(options)) return Reflect.apply(native.setTimeout, this, arguments);
      if (isVirtual(loop)) return sleepOn(loop, delayOf(delay), value, options);
      return native.setTimeout(delay, value, withLoopSignal(loop, options));
    },
    setImmediate(this: unknown, value?: unknown, options?: Options): Promise<unknown> {
      const loop = owningLoop();
      if (loop === undefined || !plain(options)) return Reflect.apply(native.setImmediate, this, arguments);
      return native.setImmediate(value, withLoopSignal(loop, options));
    },
    setInterval(this: unknown, delay?: number, value?: unknown, options?: Options): AsyncIterable<unknown> {
      const loop = owningLoop();
      if (loop === undefined || !plain(options)) return Reflect.apply(native.setInterval, this, arguments);
      if (isVirtual(loop)) return ticksOn(loop, delayOf(delay), value, options);
      return native.setInterval(delay, value, withLoopSignal(loop, options));
    },
    wait(this: unknown, delay: number, options?: Options): Promise<void> {
      const loop = owningLoop();
      if (loop === undefined || !plain(options)) return Reflect.apply(native.wait, this, arguments);
      if (isVirtual(loop)) return sleepOn(loop, delayOf(delay), undefined, options) as Promise<void>;
      return Reflect.apply(native.wait, this, [delay, withLoopSignal(loop, options)]);
    },
    yield(this: unknown): Promise<void> {
      const loop = owningLoop();
      if (loop === undefined) return Reflect.apply(native.yield, this, arguments);
      return native.setImmediate(undefined, withLoopSignal(loop, undefined));
    },
  };
}

/** Options corral can add a signal to; anything else goes to Node unchanged, for Node's own argument errors. */
function plain(options: unknown): options is Options {
  if (options === undefined) return true;
  if (options === null || typeof options !== "object") return false;
  const { signal } = options as { signal?: unknown };
  return signal === undefined || signal instanceof AbortSignal;
}

function withLoopSignal(loop: LoopImpl, options: Options): { signal: AbortSignal; ref?: boolean } {
  const own = loop.scope.signal;
  const given = options?.signal;
  return { ...options, signal: given === undefined ? own : AbortSignal.any([given, own]) };
}

/** Node's AbortError, as timers/promises rejects with it. */
function abortError(cause: unknown): Error {
  const error = new Error("The operation was aborted", { cause });
  error.name = "AbortError";
  Object.assign(error, { code: "ABORT_ERR" });
  return error;
}

/** Listen for the first abort of the user's signal or the loop's; returns the listener remover. */
function onAbort(loop: LoopImpl, options: Options, abort: (reason: unknown) => void): () => void {
  const signals = options?.signal === undefined ? [loop.scope.signal] : [options.signal, loop.scope.signal];
  const listener = function (this: AbortSignal): void {
    stop();
    abort(this.reason);
  };
  const stop = (): void => {
    for (const signal of signals) signal.removeEventListener("abort", listener);
  };
  for (const signal of signals) {
    if (signal.aborted) {
      abort(signal.reason);
      return () => {};
    }
    signal.addEventListener("abort", listener);
  }
  return stop;
}

function sleepOn(loop: LoopImpl, delay: number, value: unknown, options: Options): Promise<unknown> {
  return new Promise((resolve, reject) => {
    let timer: VirtualTimer | undefined;
    const stop = onAbort(loop, options, (reason) => {
      timer?.close();
      reject(abortError(reason));
    });
    timer = new VirtualTimer(loop, () => {
      stop();
      resolve(value);
    }, [], delay, false);
    if (options?.ref === false) timer.unref();
  });
}

async function* ticksOn(loop: LoopImpl, delay: number, value: unknown, options: Options): AsyncGenerator<unknown> {
  let due = 0;
  let aborted: { reason: unknown } | undefined;
  let notify: (() => void) | undefined;
  const timer = new VirtualTimer(loop, () => {
    due++;
    notify?.();
  }, [], delay, true);
  const stop = onAbort(loop, options, (reason) => {
    aborted = { reason };
    notify?.();
  });
  try {
    for (;;) {
      if (due === 0 && aborted === undefined) await new Promise<void>((resolve) => (notify = resolve));
      notify = undefined;
      if (aborted !== undefined) throw abortError(aborted.reason);
      for (; due > 0; due--) yield value;
    }
  } finally {
    stop();
    timer.close();
  }
}
