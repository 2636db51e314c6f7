import type { Cx } from "./cx.ts";
import { BrokenResourceError, UsageError } from "./errors.ts";
import type { EmitterLike, TargetLike } from "./from-event.ts";
import { fromPromise } from "./from-promise.ts";
import { Deque } from "./internal/deque.ts";
import { listen } from "./internal/listen.ts";

export interface FromEventsOptions {
  /**
   * How many events may wait unread (default 128). When it is full, a source that can pause (a Node stream, with
   * `pause`/`resume`) is paused until the reader catches up; any other source fails the iteration with a
   * `BrokenResourceError` once the buffered events are read, rather than growing without limit or dropping events.
   */
  buffer?: number;
  /** Events that end the iteration normally (`"end"`, `"close"`). */
  until?: string | symbol | readonly (string | symbol)[];
}

interface Pausable {
  pause(): unknown;
  resume(): unknown;
  /** A Node Readable's flow: `null` before anyone read it, `false` paused, `true` flowing; absent on other sources. */
  readonly readableFlowing?: boolean | null;
}

/**
 * Iterate the events `name` of an EventEmitter or EventTarget from scoped code, each step a checkpoint, with a
 * bounded buffer (see {@link FromEventsOptions.buffer}). Each value is the listener's arguments as an array (as
 * `events.on` yields them); `'error'` ends the iteration by throwing its error. Listeners are removed when the loop
 * ends (`break`, a throw, the `until` event) or is cancelled, and the source is left as it was found: a Node stream
 * that was paused (or not read yet) is paused again, so data written afterwards waits for its next reader instead of
 * flowing to no listener; one that was flowing flows again. Reading `'data'` from a paused stream resumes it meanwhile.
 * @throws the `'error'` event's error; BrokenResourceError on overflow of a source that cannot pause; `Cancelled`
 * @example
 * for await (const [line] of fromEvents(cx, rl, "line", { until: "close" })) await handle(cx, line);
 */
export async function* fromEvents(
  cx: Cx,
  source: EmitterLike | TargetLike,
  name: string | symbol,
  options: FromEventsOptions = {},
): AsyncGenerator<unknown[], void, undefined> {
  const { buffer = 128, until = [] } = options;
  if (!Number.isInteger(buffer) || buffer < 1) {
    throw new UsageError(`fromEvents: options.buffer must be a whole number >= 1, got ${String(buffer)}`);
  }
  const ends = Array.isArray(until) ? (until as (string | symbol)[]) : [until as string | symbol];
  const pausable = typeof (source as Partial<Pausable>).pause === "function" &&
    typeof (source as Partial<Pausable>).resume === "function"
    ? (source as unknown as Pausable)
    : undefined;
  const flowBefore = pausable?.readableFlowing;
  const queue = new Deque<unknown[]>();
  let paused = false;
  let ended: { error?: unknown } | undefined;
  let wake: (() => void) | undefined;
  const stop = listen(
    "fromEvents(cx, source, name)",
    source,
    [name, ...ends],
    (event, args) => {
      if (ended !== undefined) return;
      if (event !== name) ended = {};
      else if (queue.length < buffer) queue.push(args);
      else if (pausable === undefined) {
        ended = {
          error: new BrokenResourceError(
            `fromEvents: ${String(name)} events arrived faster than they were read and the buffer of ${buffer} was ` +
              "full; this source cannot pause, so the iteration stops here rather than drop events: raise " +
              "{ buffer } or read faster",
          ),
        };
      } else {
        queue.push(args); // the event already happened: keep it, and pause the source
      }
      if (pausable !== undefined && !paused && queue.length >= buffer) {
        paused = true;
        pausable.pause();
      }
      wake?.();
    },
    (error) => {
      ended ??= { error };
      wake?.();
    },
  );
  if (flowBefore === false && name === "data") pausable!.resume(); // the reader asked for data: let it come
  try {
    for (;;) {
      if (queue.length > 0) {
        const args = queue.shift();
        if (paused && queue.length <= buffer >> 1) {
          paused = false;
          pausable!.resume();
        }
        yield args;
        continue;
      }
      if (ended !== undefined) {
        if ("error" in ended) throw ended.error;
        return;
      }
      await fromPromise(cx, new Promise<void>((resolve) => (wake = resolve)), { onCancel: () => wake?.() });
      wake = undefined;
    }
  } finally {
    stop();
    // A stream's flow is put back by `stop`; of another source, undo the pause made here.
    if (paused && flowBefore === undefined) pausable!.resume();
  }
}

