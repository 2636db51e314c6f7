/**
 * "What is running now?": the task tree of every run in the process, as plain data. Structured concurrency makes it
 * knowable, and the runtime already keeps it for cancellation: scopes know their parent, their open children and
 * the tasks parked in them, and each scope its owner (the task whose code runs in it). A dump walks that; it records
 * nothing of its own. A child task that neither waits on corral nor has entered a scope (it is running, or awaits a
 * promise corral does not see) is not linked anywhere: its nursery counts it as `unseen`.
 */
import { liveRuns } from "../internal/live-runs.ts";
import type { WaitInfo } from "../internal/park.ts";
import { trace } from "../internal/trace.ts";
import type { Scope } from "../internal/scope.ts";
import { isTask, type Task } from "../internal/task.ts";
import { callSite } from "./call-site.ts";
import { hooksInstalled } from "./loop-storage.ts";

/** A run: its clock's reading when the dump was taken, and its main task. */
export interface RunNode {
  readonly kind: "run";
  /** The run's clock, in ms (the scale of every deadline below). */
  readonly now: number;
  /** Whether the run was cancelled (Ctrl-C, its options.signal). */
  readonly cancelled: boolean;
  readonly main: TaskNode;
}

/** A task: its name, what it waits on, and the scopes it is inside (outermost first). */
export interface TaskNode {
  readonly kind: "task";
  /** Stable for the task's life, across dumps. */
  readonly id: number;
  /** Its function's name; name an inline function with `named(name, fn)` from corral. */
  readonly name: string;
  /** What it is blocked on, or null (running, or awaiting a scope below or a promise corral does not see). */
  readonly waiting: WaitNode | null;
  /** The scopes the task entered (withNursery, withCancelScope, moveOnAfter, ...): one chain, outermost first. */
  readonly scopes: ScopeNode[];
}

/** A scope a task entered, with the scopes it entered inside it and the tasks started in it. */
export interface ScopeNode {
  /** A nursery; a loop (openLoop, and each run's root loop); a cancel scope; a startReady child's until `ready`. */
  readonly kind: "nursery" | "loop" | "cancel scope" | "startReady";
  /** What opened a cancel scope: `withCancelScope`, `moveOnAfter`, `failAfter`, `shield`, `lock.withLock`, ... */
  readonly openedBy?: string;
  /** Absolute, on the run's clock; null for none. */
  readonly deadline: number | null;
  readonly shield: boolean;
  /** Whether `cancel()` was called on it or its deadline passed. */
  readonly cancelled: boolean;
  /** The next scope the same task entered inside this one. */
  readonly scopes: ScopeNode[];
  /** The tasks started in it (a nursery's or a loop's children), in no particular order. */
  readonly tasks: TaskNode[];
  /** Children the nursery waits for that the dump cannot see: running now, or awaiting a promise without a bridge. */
  readonly unseen: number;
  /** A loop's legacy resources by kind (`{ setTimeout: 2, socket: 1 }`); only once `installLoopHooks()` has run. */
  readonly owns?: Readonly<Record<string, number>>;
  /** A loop's promises that `fromPromise` detached on cancellation and that are still pending. */
  readonly orphans?: number;
}

/** What a task waits on. */
export interface WaitNode {
  /** The operation: "lock.acquire", "send", "receive", "sleep", "fromPromise", "event.wait", ... */
  readonly on: string;
  /** Facts about it: a lock's holder (`"task #3 writer"`), a channel's buffer, a sleep's end (`until`). */
  readonly facts: Readonly<Record<string, unknown>>;
  /** Cancellation reached the wait and corral waits for the legacy work to stop (see fromPromise's `detachAfter`). */
  readonly stopping: boolean;
  /** How long it has waited, in ms of the run's clock (recorded once `installTaskDump()` ran). */
  readonly waited?: number;
  /** Where `fromPromise` was called, `file:line:column` (recorded once `installTaskDump()` ran). */
  readonly calledAt?: string;
}

const ids = new WeakMap<object, number>();
let lastId = 0;

function idOf(task: Task): number {
  let id = ids.get(task);
  if (id === undefined) ids.set(task, (id = ++lastId));
  return id;
}

/** How a task is named in a dump: `task #3 fetchPage`. */
export function taskLabel(task: Task): string {
  return `task #${idOf(task)} ${nameOf(task)}`;
}

function nameOf(task: Task): string {
  const name: unknown = task.name;
  return typeof name === "string" && name !== "" ? name : "(anonymous)";
}

/**
 * The task tree of every run in progress in the process, as plain data (JSON-safe). Cheap enough to call at any time;
 * wait durations and `fromPromise` call sites are recorded once {@link installTaskDump} has run.
 * @example
 * import { taskTree } from "corral/node";
 * for (const run of taskTree()) console.log(run.main.name, run.main.scopes.length);
 */
export function taskTree(): RunNode[] {
  const runs: RunNode[] = [];
  for (const root of liveRuns) {
    const main = root.owner;
    if (main === null || !root.open) continue;
    const now = root.run.clock.now();
    runs.push({ kind: "run", now, cancelled: root.cancelCalled, main: taskNode(main, entered(root, main), now) });
  }
  return runs;
}

/** The scopes `task` entered directly inside `scope`. */
function entered(scope: Scope, task: Task): Scope[] {
  const scopes: Scope[] = [];
  if (scope.children !== null) for (const child of scope.children) if (child.owner === task) scopes.push(child);
  return scopes;
}

function taskNode(task: Task, scopes: Scope[], now: number): TaskNode {
  return {
    kind: "task",
    id: idOf(task),
    name: nameOf(task),
    waiting: waitNode(task, now),
    scopes: scopes.map((scope) => scopeNode(scope, now)),
  };
}

function scopeNode(scope: Scope, now: number): ScopeNode {
  const scopes: ScopeNode[] = [];
  const tasks: TaskNode[] = [];
  collect(scope, now, scopes, tasks);
  const nursery = scope.nursery;
  const node: ScopeNode = {
    kind: nursery === null ? (scope.owner === null ? "startReady" : "cancel scope") : scope.loop !== null ? "loop" : "nursery",
    ...(nursery === null && scope.opener !== null ? { openedBy: scope.opener } : {}),
    deadline: scope.deadline === Infinity ? null : scope.deadline,
    shield: scope.shield,
    cancelled: scope.cancelCalled,
    scopes,
    tasks,
    unseen: nursery === null ? 0 : Math.max(0, nursery.live - tasks.length),
  };
  if (nursery === null || scope.loop === null) return node;
  const { owned, orphans } = scope.loop.holdings();
  // Without the hooks a loop owns nothing: say nothing rather than "no handles".
  return hooksInstalled() ? { ...node, owns: owned, orphans } : { ...node, orphans };
}

/** The scopes entered in `scope` by its owner, and the tasks living in it: parked here, or inside scopes of their own. */
function collect(scope: Scope, now: number, scopes: ScopeNode[], tasks: TaskNode[]): void {
  const owner = scope.owner;
  if (scope.children !== null) {
    for (const child of scope.children) {
      if (child.owner === null) {
        // A loop's own scope holds the tasks started through the loop: they are the loop's children.
        if (child.loop !== null && child.nursery === null) collect(child, now, scopes, tasks);
        else scopes.push(scopeNode(child, now));
      } else if (child.owner === owner) {
        scopes.push(scopeNode(child, now));
      } else {
        tasks.push(taskNode(child.owner, [child], now));
      }
    }
  }
  for (let waiter = scope.parkedHead; waiter !== null; waiter = waiter.next) {
    if (waiter.task !== owner) tasks.push(taskNode(waiter.task, [], now));
  }
  const stopping = scope.run.stopping;
  if (stopping !== null) {
    for (const [waiter, parkedIn] of stopping) {
      if (parkedIn === scope && waiter.task !== owner) tasks.push(taskNode(waiter.task, [], now));
    }
  }
}

function waitNode(task: Task, now: number): WaitNode | null {
  const waiter = task.wait;
  if (waiter === null || !waiter.parked) return null;
  const info: WaitInfo = waiter.on?.describeWait?.(waiter) ?? { on: "a corral wait" };
  const node: { -readonly [K in keyof WaitNode]: WaitNode[K] } = {
    on: info.on,
    facts: plain(info.facts ?? {}) as Record<string, unknown>,
    stopping: waiter.scope === null,
  };
  const traced = trace.on ? trace.waits.get(waiter) : undefined;
  if (traced === undefined || traced.wait !== waiter.promise) return node;
  node.waited = now - traced.since;
  const site = traced.site === null ? undefined : callSite(traced.site);
  if (site !== undefined) node.calledAt = site;
  return node;
}

/**
 * `value` as plain data: a task (a lock's holder) becomes its label; arrays and records are copied two levels deep
 * (facts are `statistics()` results; a limiter's borrowers may be any object of the user's, shown by its tag).
 */
function plain(value: unknown, depth = 0): unknown {
  if (isTask(value)) return taskLabel(value);
  if (typeof value !== "object" || value === null) return value;
  if (depth === 2) return Object.prototype.toString.call(value);
  if (Array.isArray(value)) return value.map((item) => plain(item, depth + 1));
  const copy: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) copy[key] = plain(item, depth + 1);
  return copy;
}
