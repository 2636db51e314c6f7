import type { Cx } from "./cx.ts";
import { UsageError } from "./errors.ts";
import { enter } from "./internal/blocking.ts";
import { fromPromise } from "./from-promise.ts";

/** The part of Node's EventEmitter that `fromEvent` uses. */
export interface EmitterLike {
  on(name: string | symbol, listener: (...args: any[]) => void): unknown;
  off?(name: string | symbol, listener: (...args: any[]) => void): unknown;
  removeListener(name: string | symbol, listener: (...args: any[]) => void): unknown;
}

/** The part of the DOM's EventTarget that `fromEvent` uses. */
export interface TargetLike {
  addEventListener(name: string, listener: (event: any) => void): void;
  removeEventListener(name: string, listener: (event: any) => void): void;
}

/**
 * Wait for one event, as a checkpoint. On an EventEmitter it resolves with the listener's arguments as an array (as
 * `events.once` does) and rejects when `'error'` is emitted first; on an EventTarget it resolves with `[event]`.
 * Listeners are removed when it settles and when it is cancelled, so nothing is left hanging on the emitter.
 * @throws the `'error'` event's error; `Cancelled` once cancelled; UsageError if `source` is neither kind
 * @example
 * const [socket] = await fromEvent(cx, server, "connection");
 */
export function fromEvent(cx: Cx, source: EmitterLike | TargetLike, name: string | symbol): Promise<unknown[]> {
  try {
    enter(cx, "fromEvent");
    let cleanup = (): void => {};
    const fired = new Promise<unknown[]>((resolve, reject) => {
      if (isEmitter(source)) {
        const onEvent = (...args: unknown[]): void => {
          cleanup();
          resolve(args);
        };
        const onError = (error: unknown): void => {
          cleanup();
          reject(error);
        };
        source.on(name, onEvent);
        if (name !== "error") source.on("error", onError);
        cleanup = () => {
          source.removeListener(name, onEvent);
          if (name !== "error") source.removeListener("error", onError);
        };
      } else if (isTarget(source) && typeof name === "string") {
        const onEvent = (event: unknown): void => {
          cleanup();
          resolve([event]);
        };
        source.addEventListener(name, onEvent);
        cleanup = () => source.removeEventListener(name, onEvent);
      } else {
        throw new UsageError(
          "fromEvent(cx, source, name): source must be an EventEmitter (on/removeListener) or an EventTarget " +
            "(addEventListener/removeEventListener, with a string event name)",
        );
      }
    });
    return fromPromise(cx, fired, { onCancel: () => cleanup(), detachAfter: 0 });
  } catch (error) {
    return Promise.reject(error);
  }
}

function isEmitter(source: unknown): source is EmitterLike {
  return typeof (source as EmitterLike).on === "function" && typeof (source as EmitterLike).removeListener === "function";
}

function isTarget(source: unknown): source is TargetLike {
  return (
    typeof (source as TargetLike).addEventListener === "function" &&
    typeof (source as TargetLike).removeEventListener === "function"
  );
}
