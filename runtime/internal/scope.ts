import type { CancelScope } from "../cancel-scope.ts";
import { Cancelled, isCancelled, UsageError, type CancelSource } from "../errors.ts";
import type { HeapEntry } from "./deadline-heap.ts";
import { interrupt, type Waiter } from "./park.ts";
import { staleCx, type Task } from "./task.ts";
import type { RunState } from "./run-state.ts";
import type { LoopImpl } from "../loop.ts";
import type { NurseryImpl } from "../nursery.ts";

/**
 * The one cancellation mechanism. Deadlines, shields, timeouts, nurseries and sleeps are all policies on it.
 *
 * Scopes form a tree: a scope's parent is the scope that was innermost on its task when it was entered (for a
 * task's first scope, its nursery's scope). Each scope caches `cancelRoot`, the outermost cancelled scope whose
 * cancellation is visible here (not blocked by a shield), or null. A checkpoint reads one field; `cancel`, a
 * deadline or a shield change recompute the subtree below the change and interrupt the tasks parked in it.
 */
/** What a checkpoint under a cancelled scope raises: the cancelled scope itself, or the closed-scope marker. */
export interface CancelRoot {
  readonly error: unknown;
}

/** The root of every closed scope: only a finished task's cx still points at one. */
const closedRoot: CancelRoot = { error: staleCx("a corral operation") };

export class Scope implements CancelScope, CancelRoot, HeapEntry {
  parent: Scope | null = null;
  /** Scopes entered below this one that are still open. Created on first use. */
  children: Set<Scope> | null = null;
  /**
   * See the class comment. Invariant while open: `(!shield && parent?.cancelRoot) || (cancelCalled ? this : null)`.
   * Once closed it is {@link closedRoot}, so a checkpoint through a finished task's cx fails fast.
   */
  cancelRoot: CancelRoot | null = null;
  /** The `Cancelled` raised by checkpoints under this scope's cancellation; set once `cancelCalled`. */
  error: Cancelled | null = null;
  cancelCalled = false;
  cancelledCaught = false;
  open = false;
  /** Waiters of parked tasks whose innermost scope this is (intrusive FIFO list). */
  parkedHead: Waiter | null = null;
  parkedTail: Waiter | null = null;
  /**
   * The promise the caller of the scope function holds (see `holding`): a sweep that closes this scope because it was
   * left open marks it handled, so a forgotten `await` is reported once, by the scope around it.
   */
  holder: Promise<unknown> | null = null;
  /** Set on the scopes a loop opens: the loop that owns legacy work started below them (see {@link loopOf}). */
  loop: LoopImpl | null = null;
  /**
   * The task whose code runs in this scope (it entered it: a nursery's or a cancel scope's body, a run's main); null
   * for the scopes that only hold tasks (a loop's, a `startReady` child's until `ready`). With `children` and the
   * parked lists this makes the task tree a dump walks: tasks are found as owners and as waiters.
   */
  owner: Task | null = null;
  /** The function that opened it (`moveOnAfter`, `lock.withLock`, ...), for a dump; null for a nursery's or a loop's. */
  opener: string | null = null;
  /** Set on a nursery's scope: the nursery (a dump reads how many children it waits for). */
  nursery: NurseryImpl | null = null;
  private controller: AbortController | null = null;
  private shieldFlag: boolean;
  private deadlineAt = Infinity;
  // Heap entry for the deadline.
  at = Infinity;
  seq = 0;
  heapIndex = -1;

  constructor(
    readonly run: RunState,
    shield = false,
  ) {
    this.shieldFlag = shield;
  }

  get shield(): boolean {
    return this.shieldFlag;
  }

  set shield(value: boolean) {
    if (typeof value !== "boolean") throw new UsageError(`scope.shield must be true or false, got ${String(value)}`);
    this.shieldFlag = value;
    if (this.open) this.refresh();
  }

  get deadline(): number {
    return this.deadlineAt;
  }

  set deadline(at: number) {
    if (typeof at !== "number" || Number.isNaN(at)) {
      throw new UsageError(`scope.deadline must be a time in milliseconds on the run's clock (or Infinity), got ${String(at)}`);
    }
    this.deadlineAt = at;
    if (this.open && !this.cancelCalled) this.armDeadline();
  }

  get signal(): AbortSignal {
    if (this.controller === null) {
      this.controller = new AbortController();
      if (this.cancelRoot !== null) this.controller.abort(this.cancelRoot.error);
    }
    return this.controller.signal;
  }

  cancel(reason?: unknown): void {
    this.cancelWith("explicit", reason);
  }

  cancelWith(source: CancelSource, reason: unknown): void {
    if (this.cancelCalled) return;
    this.cancelCalled = true;
    this.error = new Cancelled(source, reason, cancelMessage(source, reason));
    this.run.unschedule(this);
    if (this.open) this.refresh();
  }

  /** The deadline arrived. */
  expire(): void {
    this.cancelWith("deadline", undefined);
  }

  /** Open the scope below `parent` (null only for a run's root scope). */
  attach(parent: Scope | null): void {
    this.parent = parent;
    this.open = true;
    if (parent !== null) (parent.children ??= new Set()).add(this);
    this.cancelRoot = (!this.shieldFlag && parent?.cancelRoot) || (this.cancelCalled ? this : null);
    if (!this.cancelCalled) this.armDeadline();
  }

  /** Close the scope. Afterwards `cancel` and the setters only record their value. */
  detach(): void {
    this.open = false;
    this.cancelRoot = closedRoot;
    this.parent?.children?.delete(this);
    this.run.unschedule(this);
  }

  /** Move this open scope under another parent (a `startReady` task becoming its nursery's). */
  reparent(parent: Scope): void {
    this.parent?.children?.delete(this);
    this.parent = parent;
    (parent.children ??= new Set()).add(this);
    this.refresh();
  }

  /**
   * Whether leaving this scope with `error` absorbs it: only a `Cancelled`, only if this scope was cancelled itself,
   * and only if no outer cancellation is visible here (then the outer scope absorbs it, as in Trio).
   */
  absorbs(error: unknown): boolean {
    if (!this.cancelCalled || !isCancelled(error)) return false;
    return this.shieldFlag || this.parent === null || this.parent.cancelRoot === null;
  }

  private armDeadline(): void {
    const at = this.deadlineAt;
    if (at === Infinity) return this.run.unschedule(this);
    if (at <= this.run.clock.now()) return this.cancelWith("deadline", undefined);
    this.at = at;
    this.run.schedule(this);
  }

  /** Recompute `cancelRoot` here and below; interrupt newly cancelled parked tasks; then abort signals. */
  private refresh(): void {
    const toAbort: Scope[] = [];
    this.propagate(toAbort);
    // Abort listeners are user code: run them only once the tree is consistent again.
    for (const scope of toAbort) scope.controller?.abort(scope.cancelRoot?.error);
  }

  private propagate(toAbort: Scope[]): void {
    const root = (!this.shieldFlag && this.parent?.cancelRoot) || (this.cancelCalled ? this : null);
    if (root === this.cancelRoot) return; // nothing below depends on anything else
    this.cancelRoot = root;
    if (root !== null) {
      for (let w = this.parkedHead; w !== null; w = this.parkedHead) interrupt(w.task, root.error);
      if (this.controller !== null && !this.controller.signal.aborted) toAbort.push(this);
    } else if (this.controller?.signal.aborted) {
      this.controller = null; // now shielded: the next cx.signal read gets a fresh, live signal
    }
    if (this.children !== null) for (const child of this.children) child.propagate(toAbort);
  }
}

/** The innermost loop above `scope`: it adopts promises detached there and owns the legacy work started there. */
export function loopOf(scope: Scope): LoopImpl | null {
  for (let s: Scope | null = scope; s !== null; s = s.parent) if (s.loop !== null) return s.loop;
  return null;
}

/** The reason `run` gives its root scope's cancellation when Ctrl-C arrives (and `corral/register` too). */
export const CTRL_C = "SIGINT";

/** What cancelled a run from outside, said of the run: Ctrl-C, or the AbortSignal the caller passed. */
export function runCancelledBy(reason: unknown): string {
  return reason === CTRL_C ? " by Ctrl-C (SIGINT)" : `: its options.signal was aborted${because(reason)}`;
}

function because(reason: unknown): string {
  return reason === undefined ? "" : `: ${reason instanceof Error ? reason.message : String(reason)}`;
}

function cancelMessage(source: CancelSource, reason: unknown): string {
  const why = because(reason);
  const tail = " (let it propagate: the cancelled scope absorbs it; a catch-all should rethrow when isCancelled(e))";
  switch (source) {
    case "explicit":
      return `cancelled by scope.cancel()${why}${tail}`;
    case "deadline":
      return `cancelled: the scope's deadline passed${tail}`;
    case "nursery":
      return `cancelled because another task in the nursery failed${why}${tail}`;
    case "signal":
      return reason === CTRL_C
        ? `cancelled by Ctrl-C (SIGINT): the run is stopping; press Ctrl-C again to exit at once${tail}`
        : `cancelled: the run's options.signal was aborted${why}${tail}`;
    case "shutdown":
      return `cancelled: the loop is shutting down${why}${tail}`;
  }
}
