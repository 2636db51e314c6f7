/**
 * The interop loop, trio-asyncio's `open_loop`: a place inside a scope where legacy code can call scoped code. A
 * function exposed on a loop runs as a task of the loop's nursery; the legacy caller's promise settles only after the
 * task has exited, with its value or its error (an error goes to the caller, not to the loop's nursery). Closing the
 * loop stops new work, cancels the running tasks and waits for them: no caller is left with a promise that never
 * settles.
 */
import type { Cx } from "./cx.ts";
import { ClosedResourceError, UsageError } from "./errors.ts";
import { loopContext } from "./internal/loop-context.ts";
import { Scope } from "./internal/scope.ts";
import type { TaskEnd, TaskFn } from "./internal/spawn.ts";
import { NurseryImpl, withNursery } from "./nursery.ts";

/** A loop opened by `openLoop` (and by every `run`). */
export interface Loop {
  /**
   * A legacy-callable version of the scoped function `fn`: `(...args) => Promise`, running `fn(cx, ...args)` as a
   * task of this loop.
   * @throws (through the promise) ClosedResourceError once the loop has closed
   */
  expose<A extends unknown[], R>(fn: (cx: Cx, ...args: A) => Promise<R> | R): (...args: A) => Promise<R>;
  /** Whether the loop has stopped taking work. */
  readonly closed: boolean;
}

/**
 * Open a loop for the duration of `body`. When the body returns (or throws), the loop closes: tasks started through
 * it are cancelled and awaited, and later calls are refused with `ClosedResourceError`.
 * @example
 * await openLoop(cx, async (loop) => {
 *   server.on("request", loop.expose(handleRequest)); // legacy emitter calling scoped code
 *   await serveUntilStopped(cx);
 * });
 */
export async function openLoop<T>(cx: Cx, body: (loop: Loop) => Promise<T> | T): Promise<T | undefined> {
  if (typeof body !== "function") throw new UsageError(`openLoop: the body must be a function, got ${typeof body}`);
  return withNursery(cx, async (nursery) => {
    const loop = new LoopImpl(nursery as NurseryImpl);
    try {
      return await loopContext.enter(loop, () => body(loop));
    } finally {
      loop.close();
      await loop.drain();
    }
  });
}

/**
 * @internal Tasks started through the loop run in a scope of their own below the nursery's, so closing the loop
 * cancels them and nothing else (what the body itself left behind is still swept and reported by the nursery).
 */
export class LoopImpl implements Loop {
  closed = false;
  private readonly scope: Scope;
  private running = 0;
  private drained: (() => void) | null = null;

  constructor(private readonly nursery: NurseryImpl) {
    this.scope = new Scope(nursery.scope.run);
    this.scope.attach(nursery.scope);
  }

  expose<A extends unknown[], R>(fn: (cx: Cx, ...args: A) => Promise<R> | R): (...args: A) => Promise<R> {
    if (typeof fn !== "function") throw new UsageError(`loop.expose(fn): fn must be a function, got ${typeof fn}`);
    return (...args: A) => this.call(fn as TaskFn, args) as Promise<R>;
  }

  /** Run `fn(cx, ...args)` as a task; settle with its outcome once it has exited. */
  call(fn: TaskFn, args: readonly unknown[]): Promise<unknown> {
    return new Promise((resolve, reject) => {
      if (this.closed) {
        reject(
          new ClosedResourceError(
            "this corral loop has closed, so it runs no more scoped work; call it while the scope that opened " +
              "the loop (openLoop, or run) is still running",
          ),
        );
        return;
      }
      const end: TaskEnd = {
        onReturned: (value) => {
          resolve(value);
          this.taskEnded();
        },
        onFailed: (error) => {
          reject(error);
          this.taskEnded();
        },
      };
      this.running++;
      loopContext.enter(this, () => this.nursery.startIn(this.scope, fn, args, end));
    });
  }

  private taskEnded(): void {
    this.nursery.onReturned(undefined);
    if (--this.running === 0) this.drained?.();
  }

  /** Stop taking work, and cancel what is running. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.scope.cancelWith("shutdown", "the loop closed");
  }

  /** Wait until the tasks started through the loop have ended, then close its scope. */
  async drain(): Promise<void> {
    if (this.running > 0) await new Promise<void>((resolve) => (this.drained = resolve));
    this.scope.detach();
  }
}
