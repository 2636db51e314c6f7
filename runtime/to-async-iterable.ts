import { withCancelScope, type CancelScope } from "./cancel-scope.ts";
import type { Cx } from "./cx.ts";
import { UsageError } from "./errors.ts";
import { fromPromise } from "./from-promise.ts";
import { toPromise, type ToPromiseOptions } from "./to-promise.ts";

/** A scoped producer: an async generator (or any function returning an async iterable) that takes `cx` first. */
export type ScopedIterableFn<A extends unknown[], T> = (cx: Cx, ...args: A) => AsyncIterable<T> | AsyncIterator<T>;

/**
 * An async-iterable version of a scoped producer, for legacy `for await` loops. One task runs the producer for the
 * whole iteration (its `finally` blocks and scopes span every step, as trio-asyncio keeps one task across an
 * iterator's steps); it produces a value only when the consumer asks for one. Ending the loop early (`break`,
 * `return()`) cancels the task and waits for it to exit. Runs like {@link toPromise}: in `options.loop`, the
 * caller's loop, or a fresh root run; aborting `options.signal` cancels it (the pending step rejects with the reason).
 * @example
 * const rows = toAsyncIterable(async function* (cx: Cx, sql: string) { ... yield row; ... });
 * for await (const row of rows("select 1")) legacyHandle(row);
 */
export function toAsyncIterable<A extends unknown[], T>(
  fn: ScopedIterableFn<A, T>,
  options: ToPromiseOptions = {},
): (...args: A) => AsyncIterableIterator<T> {
  if (typeof fn !== "function") {
    throw new UsageError(`toAsyncIterable(fn): fn must be a scoped async generator (cx, ...args), got ${typeof fn}`);
  }
  const start = toPromise(produce, options);
  return (...args: A) => new Pipe<T>((pipe) => start(pipe, () => fn(pipe.cx!, ...args)));
}

interface Request<T> {
  resolve(result: IteratorResult<T, undefined>): void;
  reject(error: unknown): void;
}

/** The consumer's side: requests queue here; the producer task answers them in order. */
class Pipe<T> implements AsyncIterableIterator<T> {
  readonly requests: Request<T>[] = [];
  cx: Cx | undefined;
  scope: CancelScope | undefined;
  /** The consumer stopped (`return()`) or the producer ended: later steps are done. */
  finished = false;
  /** Wakes the producer when a request arrives. */
  demand: (() => void) | undefined;
  private exited: Promise<unknown> | undefined;

  constructor(private readonly launch: (pipe: Pipe<T>) => Promise<unknown>) {}

  [Symbol.asyncIterator](): this {
    return this;
  }

  next(): Promise<IteratorResult<T, undefined>> {
    if (this.finished) return Promise.resolve({ done: true, value: undefined });
    return new Promise((resolve, reject) => {
      this.requests.push({ resolve, reject });
      if (this.exited === undefined) {
        this.exited = this.launch(this).then(
          () => this.end(undefined),
          (error: unknown) => this.end(error),
        );
      }
      this.demand?.();
    });
  }

  async return(): Promise<IteratorResult<T, undefined>> {
    this.finished = true;
    this.scope?.cancel("the consumer stopped iterating");
    this.demand?.();
    await this.exited;
    return { done: true, value: undefined };
  }

  /** The producer task has exited: the first waiting step gets its error (if any), the others are done. */
  private end(error: unknown): void {
    this.finished = true;
    const waiting = this.requests.splice(0);
    if (error !== undefined && waiting.length > 0) waiting.shift()!.reject(error);
    for (const request of waiting) request.resolve({ done: true, value: undefined });
  }
}

/** The producer task: wait for a request, take one step of the producer, answer; until either side ends. */
async function produce<T>(cx: Cx, pipe: Pipe<T>, open: () => AsyncIterable<T> | AsyncIterator<T>): Promise<void> {
  await withCancelScope(cx, async (cx, scope) => {
    pipe.cx = cx;
    pipe.scope = scope;
    const source = open();
    const iterator = Symbol.asyncIterator in source ? source[Symbol.asyncIterator]() : source;
    let done = false;
    try {
      for (;;) {
        while (pipe.requests.length === 0 && !pipe.finished) {
          await fromPromise(cx, new Promise<void>((resolve) => (pipe.demand = resolve)), { onCancel: () => pipe.demand?.() });
          pipe.demand = undefined;
        }
        if (pipe.finished) return;
        const step = await iterator.next();
        if (step.done === true) {
          done = true;
          return;
        }
        pipe.requests.shift()!.resolve({ done: false, value: step.value });
      }
    } finally {
      if (!done) await iterator.return?.();
    }
  });
}
