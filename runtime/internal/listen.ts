import { UsageError } from "../errors.ts";
import type { EmitterLike, TargetLike } from "../from-event.ts";

/**
 * Listen for `name` on an EventEmitter (with its `'error'` event as a failure) or an EventTarget, until the returned
 * function is called. `onEvent` gets the listener's arguments as an array (`[event]` on an EventTarget). Stopping
 * leaves a Node stream flowing as it was found: a `'data'` listener starts a stream that was not read yet, and
 * removing it does not stop it, so data written afterwards would flow to no listener and be lost.
 * @throws UsageError if `source` is neither kind (`where` names the caller in the message)
 */
export function listen(
  where: string,
  source: EmitterLike | TargetLike,
  names: readonly (string | symbol)[],
  onEvent: (name: string | symbol, args: unknown[]) => void,
  onError: (error: unknown) => void,
): () => void {
  if (isEmitter(source)) {
    const flowBefore = (source as Partial<Stream>).readableFlowing;
    const listeners = names.map((name) => [name, (...args: unknown[]) => onEvent(name, args)] as const);
    for (const [name, listener] of listeners) source.on(name, listener);
    const watchErrors = !names.includes("error");
    if (watchErrors) source.on("error", onError);
    let stopped = false;
    return () => {
      if (stopped) return;
      stopped = true;
      for (const [name, listener] of listeners) source.removeListener(name, listener);
      if (watchErrors) source.removeListener("error", onError);
      if (flowBefore !== undefined) restoreFlow(source as unknown as Stream, flowBefore);
    };
  }
  if (isTarget(source) && names.every((name) => typeof name === "string")) {
    const listeners = names.map((name) => [name as string, (event: unknown) => onEvent(name, [event])] as const);
    for (const [name, listener] of listeners) source.addEventListener(name, listener);
    return () => {
      for (const [name, listener] of listeners) source.removeEventListener(name, listener);
    };
  }
  throw new UsageError(
    `${where}: source must be an EventEmitter (on/removeListener) or an EventTarget ` +
      "(addEventListener/removeEventListener, with string event names)",
  );
}

/** The part of a Node Readable that says and sets its flow. */
interface Stream {
  /** `null` before anyone read it, `false` paused, `true` flowing. */
  readableFlowing: boolean | null;
  /** Whether it has emitted `'end'`: no flow left to restore. */
  readonly readableEnded?: boolean;
  pause(): unknown;
  resume(): unknown;
}

/** Put a stream's flow back to `before`. */
function restoreFlow(stream: Stream, before: boolean | null): void {
  if (stream.readableFlowing === before || stream.readableEnded === true) return;
  if (before === true) {
    stream.resume();
    return;
  }
  stream.pause();
  if (before === null) stream.readableFlowing = null; // unread again: a later 'data' listener starts it, as before
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
