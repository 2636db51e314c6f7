/**
 * The interop loop, trio-asyncio's `open_loop`: a place inside a scope where legacy code runs and can call scoped
 * code. A function exposed on a loop runs as a task of the loop's nursery; the legacy caller's promise settles only
 * after the task has exited, with its value or its error (an error goes to the caller, not to the loop's nursery).
 *
 * The loop also owns the legacy work started inside it. With `corral/node`'s hooks installed, timers, sockets,
 * servers, child processes and watchers created inside the loop are registered with it, and an uncaught error or
 * unhandled rejection there fails it; promises that `fromPromise` detached on cancellation are adopted as orphans.
 * Closing the loop: stop taking work, cancel and join the tasks, abort its signal, close what it owns, then report.
 * No caller is left with a promise that never settles.
 */
import { holding } from "./cancel-scope.ts";
import type { Cx } from "./cx.ts";
import { ClosedResourceError, UsageError, isCancelled } from "./errors.ts";
import { brandInternal, hasBrand, shared } from "./internal/brand.ts";
import { loopContext } from "./internal/loop-context.ts";
import { WatchedResources } from "./internal/watched-resources.ts";
import type { RunState } from "./internal/run-state.ts";
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

/** Options of `openLoop`. */
export interface LoopOptions {
  /**
   * Fail the loop with a `UsageError` at close when legacy work outlived it: a detached promise still pending, or
   * (with `corral/node`'s hooks) a handle created inside the loop that is still alive after the loop closed what it
   * owns. Off by default: the report still goes to `onClose`.
   */
  strict?: boolean;
  /** Called once when the loop has closed, with what it cleaned up and what outlived it. */
  onClose?: (report: LoopReport) => void;
}

/** What a loop found at close. */
export interface LoopReport {
  /** Legacy resources the loop closed because they were still open, by kind: `{ "setInterval": 1, "socket": 2 }`. */
  closed: Record<string, number>;
  /**
   * Promises `fromPromise` detached on cancellation (it cannot stop a bare promise): how they have ended so far.
   * `unstopped` counts those of `pending` whose signal or `onCancel` did not settle them within the default
   * `detachAfter`: a stop that never settles its promise (`clearTimeout` without rejecting), a bug to fix.
   */
  orphans: { pending: number; resolved: number; rejected: number; unstopped: number; errors: unknown[] };
  /** Handles created inside the loop and still alive after close (strict loops under `corral/node` only). */
  alive: string[];
}

/** How a kind of owned legacy resource is closed: one shared object per kind (no closure per resource). */
export interface Closer<T extends object = object> {
  /** The name the report counts it under: "setTimeout", "socket", "child process". */
  readonly kind: string;
  close(resource: T): void;
  /**
   * Whether the resource has ended by itself (destroyed, closed, exited), for resources that are never disowned: the
   * loop adds no listener to learn of their end (programs and Node's own tests count listeners), so it holds them
   * weakly, drops ended ones as it owns more, and skips them at close.
   */
  ended?(resource: T): boolean;
}

/** Whether `value` is a loop, opened by this copy of corral or by a duplicate one (see brand.ts). */
export function isLoop(value: unknown): value is LoopImpl {
  return value instanceof LoopImpl || hasBrand(value, "LoopImpl");
}

/**
 * How many loops are open in the process, in every copy of corral (see internal/brand.ts): `installLoopHooks()`
 * cannot give an open loop its hooks, so it refuses to install while one is.
 */
export const openLoops: { count: number } = shared("openLoops", () => ({ count: 0 }));

/** How many late rejections of orphans a report keeps (the counts are always exact). */
const KEPT_ERRORS = 20;

/**
 * Open a loop for the duration of `body`. When the body returns (or throws), the loop closes: tasks started through
 * it are cancelled and awaited, legacy resources it owns are closed, and later calls are refused with
 * `ClosedResourceError`.
 * @throws what the body throws; an uncaught error or unhandled rejection of legacy code inside the loop (corral/node);
 *   UsageError in a `strict` loop when legacy work outlived it
 * @example
 * await openLoop(cx, async (loop) => {
 *   server.on("request", loop.expose(handleRequest)); // legacy emitter calling scoped code
 *   await serveUntilStopped(cx);
 * });
 */
export function openLoop<T>(cx: Cx, body: (loop: Loop) => Promise<T> | T): Promise<T | undefined>;
export function openLoop<T>(cx: Cx, options: LoopOptions, body: (loop: Loop) => Promise<T> | T): Promise<T | undefined>;
export function openLoop<T>(
  cx: Cx,
  optionsOrBody: LoopOptions | ((loop: Loop) => Promise<T> | T),
  maybeBody?: (loop: Loop) => Promise<T> | T,
): Promise<T | undefined> {
  return holding(cx, () => loopIn(cx, optionsOrBody, maybeBody));
}

async function loopIn<T>(
  cx: Cx,
  optionsOrBody: LoopOptions | ((loop: Loop) => Promise<T> | T),
  maybeBody?: (loop: Loop) => Promise<T> | T,
): Promise<T | undefined> {
  const [options, body] =
    typeof optionsOrBody === "function" ? [{}, optionsOrBody] : [optionsOrBody ?? {}, maybeBody];
  if (typeof body !== "function") throw new UsageError(`openLoop: the body must be a function, got ${typeof body}`);
  if (options.onClose !== undefined && typeof options.onClose !== "function") {
    throw new UsageError(`openLoop: options.onClose must be a function, got ${typeof options.onClose}`);
  }
  return withNursery(cx, async (nursery) => {
    const loop = new LoopImpl(nursery as NurseryImpl, options);
    openLoops.count++;
    try {
      return await loopContext.enter(loop, () => body(loop));
    } finally {
      try {
        loop.close();
        await loop.drain();
        await loop.finish();
      } finally {
        openLoops.count--;
      }
    }
  });
}

/**
 * @internal Tasks started through the loop run in a scope of their own below the nursery's, so closing the loop
 * cancels them and nothing else (what the body itself left behind is still swept and reported by the nursery).
 */
export class LoopImpl implements Loop {
  closed = false;
  /** Set once the loop has fully closed: failures can no longer reach its scope. */
  finished = false;
  /** The loop's own scope: its signal aborts when the loop closes (legacy timers/promises use it). */
  readonly scope: Scope;
  readonly strict: boolean;
  private readonly onClose: ((report: LoopReport) => void) | undefined;
  private running = 0;
  private drained: (() => void) | null = null;
  /** Owned resources the loop is told the end of (`disown`), and those whose end it asks about (`Closer.ended`). */
  private readonly owned = new Map<object, Closer>();
  private readonly watched = new WatchedResources();
  private readonly closedCounts: Record<string, number> = {};
  private readonly orphans = { pending: 0, resolved: 0, rejected: 0, unstopped: 0, errors: [] as unknown[] };
  /** Set by corral/node in strict loops: lists handles created inside the loop that are still alive after close. */
  aliveCheck: (() => Promise<string[]>) | null = null;

  constructor(
    private readonly nursery: NurseryImpl,
    options: LoopOptions = {},
  ) {
    this.strict = options.strict ?? false;
    this.onClose = options.onClose;
    nursery.scope.loop = this;
    this.scope = new Scope(nursery.scope.run);
    this.scope.loop = this;
    this.scope.attach(nursery.scope);
    loopContext.opened?.(this);
  }

  /** The run the loop belongs to (its clock and deadline heap). */
  get run(): RunState {
    return this.scope.run;
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

  /**
   * Fail the loop's scope with `error` (an uncaught error of legacy code inside it): the loop's nursery cancels
   * everything in it and `openLoop` throws `error` once it has stopped. Returns false once the loop has finished.
   */
  fail(error: unknown): boolean {
    const cancelled = cancellationIn(error);
    if (cancelled !== undefined) {
      // Legacy code stopped by a cancellation (a Cancelled, or an AbortError caused by one): while the loop runs
      // it is that cancellation going on outward; once the loop is closing it is the shutdown itself.
      if (!this.closed) this.nursery.record(cancelled);
      return true;
    }
    if (this.finished) return false;
    this.nursery.record(error);
    return true;
  }

  /** Take ownership of a legacy resource: if it is still registered when the loop closes, `closer` closes it. */
  own(resource: object, closer: Closer): void {
    if (closer.ended === undefined) this.owned.set(resource, closer);
    else this.watched.add(resource, closer);
  }

  owns(resource: object): boolean {
    return this.owned.has(resource) || this.watched.has(resource);
  }

  /** The resource ended by itself (fired, closed, exited): the loop no longer owns it. */
  disown(resource: object): void {
    if (!this.owned.delete(resource)) this.watched.delete(resource);
  }

  /** What the loop holds now, for a task dump: legacy resources by kind, and detached promises still pending. */
  holdings(): { owned: Record<string, number>; orphans: number } {
    const owned: Record<string, number> = {};
    for (const [, closer] of [...this.owned, ...this.watched.live()]) owned[closer.kind] = (owned[closer.kind] ?? 0) + 1;
    return { owned, orphans: this.orphans.pending };
  }

  /**
   * A promise detached by cancellation: count how it ends, keep its late rejection (swallowed) for the report.
   * `unstopped`: it was detached because its stop had not settled it within the default grace.
   */
  adopt(promise: PromiseLike<unknown>, unstopped = false): void {
    const orphans = this.orphans;
    orphans.pending++;
    if (unstopped) orphans.unstopped++;
    const ended = (): void => {
      orphans.pending--;
      if (unstopped) orphans.unstopped--;
    };
    promise.then(
      () => {
        ended();
        orphans.resolved++;
      },
      (error: unknown) => {
        ended();
        orphans.rejected++;
        if (orphans.errors.length < KEPT_ERRORS) orphans.errors.push(error);
      },
    );
  }

  /** Stop taking work, and cancel what is running (this aborts the loop's signal too). */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.scope.cancelWith("shutdown", "the loop closed");
  }

  /** Wait until the tasks started through the loop have ended, then close its scope and what it owns. */
  async drain(): Promise<void> {
    if (this.running > 0) await new Promise<void>((resolve) => (this.drained = resolve));
    this.scope.detach();
    // Closing one resource may end others (a server's sockets): take a snapshot, skip what ended meanwhile.
    for (const [resource, closer] of [...this.owned, ...this.watched.live()]) {
      if (!(this.owned.delete(resource) || this.watched.delete(resource)) || closer.ended?.(resource) === true) continue;
      this.closedCounts[closer.kind] = (this.closedCounts[closer.kind] ?? 0) + 1;
      try {
        closer.close(resource);
      } catch (error) {
        this.nursery.record(error);
      }
    }
  }

  /** Report, and fail a strict loop whose legacy work outlived it. */
  async finish(): Promise<void> {
    const alive = this.aliveCheck === null ? [] : await this.aliveCheck();
    const report: LoopReport = {
      closed: { ...this.closedCounts },
      orphans: { ...this.orphans, errors: [...this.orphans.errors] },
      alive,
    };
    this.finished = true;
    if (this.strict && (report.orphans.pending > 0 || report.alive.length > 0)) {
      this.nursery.record(
        new UsageError(
          `a strict corral loop closed with legacy work still running: ${report.orphans.pending} detached promise(s) ` +
            `pending${report.alive.length > 0 ? `, handles alive: ${report.alive.join(", ")}` : ""}. Give the work a ` +
            "signal (fromPromise(cx, (signal) => ...)) or an onCancel that stops it, and close handles before the loop ends.",
        ),
      );
    }
    if (this.onClose !== undefined) {
      try {
        this.onClose(report);
      } catch (error) {
        this.nursery.record(error);
      }
    }
  }
}

brandInternal(LoopImpl, "LoopImpl");

/** The corral cancellation behind `error`: the error itself, or the cause of an `AbortError` raised by a signal. */
function cancellationIn(error: unknown): unknown {
  if (isCancelled(error)) return error;
  if (error instanceof Error && error.name === "AbortError" && isCancelled(error.cause)) return error.cause;
  return undefined;
}
