import type { Cx } from "./cx.ts";
import { checkpoint } from "./checkpoint.ts";
import { UsageError } from "./errors.ts";
import { DEFAULT_DETACH_AFTER, checkDetachAfter, fromPromise } from "./from-promise.ts";
import { settleWithin } from "./internal/settle-within.ts";
import { taskOf } from "./internal/task.ts";

/**
 * Iterate a legacy async iterable (a Node stream, `events.on`, an async generator) from scoped code: each step is a
 * checkpoint, bridged like `fromPromise`. On cancellation the source's `return()` is called, and the pending step is
 * waited for, so the source has really closed before `Cancelled` is thrown; when the loop ends early (`break`, a
 * throw) `return()` is called and awaited too. A deadline ends every wait: `detachAfter` (default 1 s, as
 * `fromPromise`'s) bounds both waits, for sources whose step or `return()` never settles (a plain async generator
 * blocked in an `await` queues `return()` behind it); the source is then detached and reported by the loop.
 * @example
 * for await (const line of fromAsyncIterable(cx, readline.createInterface({ input }))) await handle(cx, line);
 */
export async function* fromAsyncIterable<T>(
  cx: Cx,
  source: AsyncIterable<T> | AsyncIterator<T>,
  options: { detachAfter?: number } = {},
): AsyncGenerator<T, void, undefined> {
  const task = taskOf(cx, "fromAsyncIterable");
  checkDetachAfter("fromAsyncIterable", options.detachAfter);
  const iterator = iteratorOf(source);
  let closed = false;
  const close = (): Promise<unknown> | undefined => {
    if (closed) return undefined;
    closed = true;
    return iterator.return?.();
  };
  const closeOnCancel = (): void => void Promise.resolve(close()).catch(() => {});
  try {
    for (;;) {
      const step = await fromPromise(cx, () => iterator.next(), { ...options, onCancel: closeOnCancel });
      // A step that ended because cancellation closed the source is that cancellation, not the source's end.
      if (closed) await checkpoint(cx);
      if (step.done === true) {
        closed = true;
        return;
      }
      yield step.value;
    }
  } finally {
    const closing = close();
    if (closing !== undefined) {
      const { detachAfter } = options;
      await settleWithin(task, Promise.resolve(closing), detachAfter ?? DEFAULT_DETACH_AFTER, detachAfter === undefined);
    }
  }
}

function iteratorOf<T>(source: AsyncIterable<T> | AsyncIterator<T>): AsyncIterator<T> {
  if (source !== null && typeof source === "object") {
    const make = (source as AsyncIterable<T>)[Symbol.asyncIterator];
    if (typeof make === "function") return make.call(source);
    if (typeof (source as AsyncIterator<T>).next === "function") return source as AsyncIterator<T>;
  }
  throw new UsageError("fromAsyncIterable(cx, source): source must be an async iterable or an async iterator");
}
