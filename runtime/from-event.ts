import type { Cx } from "./cx.ts";
import { enter } from "./internal/blocking.ts";
import { fromPromise } from "./from-promise.ts";
import { listen } from "./internal/listen.ts";

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
    let stop = (): void => {};
    const fired = new Promise<unknown[]>((resolve, reject) => {
      stop = listen(
        "fromEvent(cx, source, name)",
        source,
        [name],
        (_name, args) => {
          stop();
          resolve(args);
        },
        (error) => {
          stop();
          reject(error);
        },
      );
    });
    return fromPromise(cx, fired, { onCancel: () => stop(), detachAfter: 0 });
  } catch (error) {
    return Promise.reject(error);
  }
}
