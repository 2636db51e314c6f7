/**
 * Property test of the runtime rules (DESIGN.md section 2). Random trees of nurseries, sleeps, failures, timeouts,
 * shields, catch-alls and sequences run on a fresh autojumping MockClock; every node logs, with the virtual time,
 * when it is entered, paused and left. Each run must keep the structured-concurrency promises:
 *
 * - structure: no task outlives its nursery; everything a node's descendants do happens while the node runs; every
 *   node that is entered runs its `finally` exactly once (and which nodes are entered is exactly predicted);
 * - errors: only errors the program threw come out of `run` (a LeafError by identity, the TooSlowError of a failAfter
 *   that timed out, or in strict mode a MultiError of those), never a `Cancelled`; no thrown error is lost;
 *   a `Cancelled` leaves a node only where an outside cancellation is visible, and a scope absorbs one only when none
 *   is; cancellation is level-triggered (a catch-all that swallowed `Cancelled` meets it again at its next checkpoint);
 * - hygiene: `run` settles (real-time hang guard), no unhandled rejection, nothing left armed on the clock;
 * - time: every sleep/checkpoint ends exactly when the clock and the cancellations visible to it say (tie-proof:
 *   `min(start + ms, max(cancelled, start))`), every node ends exactly when its parts do, and for programs with no
 *   failure and no cancellation the whole result is predicted: run resolves, every sleep completes, end time exact.
 */
import fc from "fast-check";
import { describe, expect, test } from "vitest";
import {
  checkpoint,
  failAfter,
  isCancelled,
  moveOnAfter,
  MultiError,
  run,
  shield,
  sleep,
  TooSlowError,
  withCancelScope,
  withNursery,
  type CancelScope,
  type Cx,
} from "corral";
import { MockClock } from "corral/testing";
import { HANG_MS, hostTurn, settleWithin, trackUnhandledRejections, type Outcome } from "../support/settle.ts";

// ---------------------------------------------------------------------------------------------------------------
// Programs

type TimeoutVia = "moveOnAfter" | "failAfter" | "withCancelScope";

/** One node of a generated program. `id` is its preorder index, unique in the program. */
type Node =
  | { kind: "sleep"; id: number; ms: number }
  /** Throw a fresh LeafError, after sleeping `delay` ms when not null. */
  | { kind: "fail"; id: number; delay: number | null }
  /** Start every child as a task; when `cancelAfter` is not null the body sleeps that long, then cancels the nursery. */
  | { kind: "nursery"; id: number; children: Node[]; cancelAfter: number | null }
  /** Run the children one after the other on the same cx. */
  | { kind: "seq"; id: number; children: Node[] }
  | { kind: "timeout"; id: number; via: TimeoutVia; ms: number; child: Node }
  | { kind: "shield"; id: number; child: Node }
  /** Run the child, catch anything it throws, then `checkpoint` (after === null) or `sleep(after)`. */
  | { kind: "swallow"; id: number; child: Node; after: number | null };

class LeafError extends Error {
  constructor(readonly id: number) {
    super(`leaf ${id} failed`);
    this.name = "LeafError";
  }
}

function childrenOf(node: Node): Node[] {
  switch (node.kind) {
    case "sleep":
    case "fail":
      return [];
    case "nursery":
    case "seq":
      return node.children;
    case "timeout":
    case "shield":
    case "swallow":
      return [node.child];
  }
}

/** The node and all its descendants, in preorder. */
function* nodesOf(node: Node): Generator<Node> {
  yield node;
  for (const child of childrenOf(node)) yield* nodesOf(child);
}

const MAX_DEPTH = 4;
const MAX_WIDTH = 4;
const ms = fc.integer({ min: 0, max: 50 });
const maybeMs = fc.option(ms, { nil: null });
const id = fc.constant(0); // renumbered by `numbered`

const leaf: fc.Arbitrary<Node> = fc.oneof(
  { arbitrary: fc.record({ kind: fc.constant("sleep"), id, ms }), weight: 3 },
  { arbitrary: fc.record({ kind: fc.constant("fail"), id, delay: maybeMs }), weight: 1 },
);

/** A node with at most `depth` levels (leaves at depth 1). Leaves are rare above the bottom, so trees are bushy. */
const arbNode: (depth: number) => fc.Arbitrary<Node> = fc.memo((depth): fc.Arbitrary<Node> => {
  if (depth <= 1) return leaf;
  const child: fc.Arbitrary<Node> = arbNode(depth - 1);
  const children = fc.array(child, { maxLength: MAX_WIDTH });
  return fc.oneof(
    { arbitrary: leaf, weight: 1 },
    {
      arbitrary: fc.record({
        kind: fc.constant("nursery"),
        id,
        children,
        cancelAfter: fc.option(ms, { nil: null, freq: 3 }),
      }),
      weight: 3,
    },
    { arbitrary: fc.record({ kind: fc.constant("seq"), id, children }), weight: 1 },
    {
      arbitrary: fc.record({
        kind: fc.constant("timeout"),
        id,
        via: fc.constantFrom<TimeoutVia>("moveOnAfter", "failAfter", "withCancelScope"),
        ms: fc.integer({ min: 0, max: 60 }),
        child,
      }),
      weight: 2,
    },
    { arbitrary: fc.record({ kind: fc.constant("shield"), id, child }), weight: 1 },
    {
      // A bare checkpoint after half the time: the sharpest test of level-triggered cancellation.
      arbitrary: fc.record({ kind: fc.constant("swallow"), id, child, after: fc.option(ms, { nil: null, freq: 2 }) }),
      weight: 2,
    },
  );
});

/** A copy of `program` whose nodes carry their preorder index as id (generated values are never mutated). */
function numbered(program: Node): Node {
  const copy = structuredClone(program);
  let next = 0;
  for (const node of nodesOf(copy)) node.id = next++;
  return copy;
}

/** A program: up to MAX_DEPTH levels of composite nodes above the leaves, each with up to MAX_WIDTH children. */
const arbProgram: fc.Arbitrary<Node> = arbNode(MAX_DEPTH + 1).map(numbered);

// ---------------------------------------------------------------------------------------------------------------
// Interpreter

/** How a node or a pause ended: normally, by raising Cancelled, or by raising anything else. */
type Ending = "ok" | "cancelled" | "error";
const endingOf = (error: unknown): Ending => (isCancelled(error) ? "cancelled" : "error");

/** A wait: the sleep of a sleep node, a fail's delay, a nursery body's sleep, a swallow's sleep or checkpoint. */
type PauseOp = "sleep" | "delay" | "body" | "after";

type LogEvent = { t: number } & (
  | { ev: "enter"; id: number }
  | { ev: "finally"; id: number; ending: Ending }
  /** A pause of node `id` that started at `start` (its end is `t`). */
  | { ev: "pause"; id: number; op: PauseOp; start: number; ms: number; ending: Ending }
  /** A task running node `id` started / ended in nursery `nursery`. */
  | { ev: "taskStart" | "taskEnd"; id: number; nursery: number }
  /** Nursery `id`'s body cancelled the nursery's scope. */
  | { ev: "cancel"; id: number }
  /** The scope of nursery or timeout node `id` absorbed a Cancelled (`cancelledCaught`). */
  | { ev: "absorbed"; id: number }
  /** The withNursery call of nursery `id` settled (resolved or rejected). */
  | { ev: "settle"; id: number }
);

type Distribute<T> = T extends unknown ? Omit<T, "t"> : never;

class Trace {
  readonly log: LogEvent[] = [];
  /** Errors the program made and threw: LeafErrors, and the TooSlowError of every failAfter that timed out. */
  readonly thrown = new Set<unknown>();
  /** Everything a swallow node caught. */
  readonly swallowed: unknown[] = [];
  /** Rule violations seen while running (checked after the run). */
  readonly violations: string[] = [];

  constructor(private readonly clock: MockClock) {}

  record(event: Distribute<LogEvent>): void {
    this.log.push({ ...event, t: this.clock.now() });
  }
}

async function execute(cx: Cx, node: Node, trace: Trace): Promise<void> {
  trace.record({ ev: "enter", id: node.id });
  let ending: Ending = "ok";
  try {
    await perform(cx, node, trace);
  } catch (error) {
    ending = endingOf(error);
    throw error;
  } finally {
    trace.record({ ev: "finally", id: node.id, ending });
  }
}

async function perform(cx: Cx, node: Node, trace: Trace): Promise<void> {
  switch (node.kind) {
    case "sleep":
      return pause(cx, node.ms, node.id, "sleep", trace);
    case "fail": {
      if (node.delay !== null) await pause(cx, node.delay, node.id, "delay", trace);
      const error = new LeafError(node.id);
      trace.thrown.add(error);
      throw error;
    }
    case "nursery":
      return nursery(cx, node, trace);
    case "seq":
      for (const child of node.children) await execute(cx, child, trace);
      return;
    case "timeout":
      return timeout(cx, node, trace);
    case "shield":
      await shield(cx, (cx) => execute(cx, node.child, trace));
      return;
    case "swallow":
      return swallow(cx, node, trace);
  }
}

/** `sleep(cx, ms)`, or a bare `checkpoint` when `ms` is null, logged with its start, end and ending. */
async function pause(cx: Cx, ms: number | null, id: number, op: PauseOp, trace: Trace): Promise<void> {
  const start = cx.now();
  let ending: Ending = "ok";
  try {
    await (ms === null ? checkpoint(cx) : sleep(cx, ms));
  } catch (error) {
    ending = endingOf(error);
    throw error;
  } finally {
    trace.record({ ev: "pause", id, op, start, ms: ms ?? 0, ending });
  }
}

async function nursery(cx: Cx, node: Extract<Node, { kind: "nursery" }>, trace: Trace): Promise<void> {
  let scope = null as CancelScope | null;
  try {
    await withNursery(cx, async (n) => {
      scope = n.cancelScope;
      for (const child of node.children) n.start(task, child, node.id, trace);
      if (node.cancelAfter !== null) {
        await pause(cx, node.cancelAfter, node.id, "body", trace);
        trace.record({ ev: "cancel", id: node.id });
        n.cancelScope.cancel();
      }
    });
  } finally {
    if (scope?.cancelledCaught === true) trace.record({ ev: "absorbed", id: node.id });
    trace.record({ ev: "settle", id: node.id });
  }
}

async function task(cx: Cx, node: Node, nursery: number, trace: Trace): Promise<void> {
  trace.record({ ev: "taskStart", id: node.id, nursery });
  try {
    await execute(cx, node, trace);
  } finally {
    trace.record({ ev: "taskEnd", id: node.id, nursery });
  }
}

async function timeout(cx: Cx, node: Extract<Node, { kind: "timeout" }>, trace: Trace): Promise<void> {
  let scope = null as CancelScope | null;
  const body = (cx: Cx, s: CancelScope): Promise<void> => {
    scope = s;
    return execute(cx, node.child, trace);
  };
  try {
    if (node.via === "moveOnAfter") await moveOnAfter(cx, node.ms, body);
    else if (node.via === "withCancelScope") await withCancelScope(cx, { timeout: node.ms }, body);
    else await failAfter(cx, node.ms, body);
  } catch (error) {
    // This failAfter's own timeout (not one from a failAfter further in, passing through).
    if (node.via === "failAfter" && error instanceof TooSlowError && scope?.cancelledCaught === true) {
      trace.thrown.add(error);
    }
    throw error;
  } finally {
    if (scope?.cancelledCaught === true) trace.record({ ev: "absorbed", id: node.id });
  }
}

async function swallow(cx: Cx, node: Extract<Node, { kind: "swallow" }>, trace: Trace): Promise<void> {
  let caught: { error: unknown } | null = null;
  try {
    await execute(cx, node.child, trace);
  } catch (error) {
    caught = { error };
    trace.swallowed.push(error);
  }
  let after: Ending = "ok";
  try {
    await pause(cx, node.after, node.id, "after", trace);
  } catch (error) {
    after = endingOf(error);
    throw error;
  } finally {
    // Level-triggered: the scope that raised the swallowed Cancelled is still cancelled and still around us.
    if (caught !== null && isCancelled(caught.error) && after !== "cancelled") {
      trace.violations.push(`swallow ${node.id} caught Cancelled, but its next checkpoint ended "${after}"`);
    }
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Running one program


// ---------------------------------------------------------------------------------------------------------------
// What must hold

/** Look-ups into one run's log. */
class Log {
  constructor(readonly events: LogEvent[]) {}

  find<E extends LogEvent["ev"]>(ev: E, id: number): Extract<LogEvent, { ev: E }> | undefined {
    return this.events.find((e): e is Extract<LogEvent, { ev: E }> => e.ev === ev && e.id === id);
  }

  count(ev: LogEvent["ev"], id: number): number {
    return this.events.filter((e) => e.ev === ev && e.id === id).length;
  }

  /** The time of an event that must have happened. */
  time(ev: LogEvent["ev"], id: number): number {
    const event = this.find(ev, id);
    expect(event, `${ev} ${id} was logged`).toBeDefined();
    return event!.t;
  }

  entered(node: Node): boolean {
    return this.find("enter", node.id) !== undefined;
  }
}

/**
 * Exactly the nodes that should run were entered, once each, and each ran its `finally` once. Children of a nursery
 * start and scope bodies run synchronously, so they are entered with their parent; a sequence stops at a failure.
 */
function checkEntered(program: Node, log: Log): void {
  const visit = (node: Node, expected: boolean): void => {
    expect(log.count("enter", node.id), `node ${node.id} entered ${expected ? "once" : "never"}`).toBe(expected ? 1 : 0);
    expect(log.count("finally", node.id), `node ${node.id}: finally ran once per enter`).toBe(expected ? 1 : 0);
    let next = expected;
    for (const child of childrenOf(node)) {
      visit(child, next);
      if (node.kind === "seq") next &&= log.find("finally", child.id)?.ending === "ok";
    }
  };
  visit(program, true);
}

/**
 * Everything a node's descendants log happens while the node runs (after its enter, before its finally), and for a
 * nursery before its withNursery call settled: no task outlives its nursery. Every task started once and ended once.
 */
function checkNesting(program: Node, log: Log): void {
  for (const node of nodesOf(program)) {
    if (!log.entered(node)) continue;
    const index = (ev: LogEvent["ev"]): number => log.events.indexOf(log.find(ev, node.id)!);
    const start = index("enter");
    const end = node.kind === "nursery" ? index("settle") : index("finally");
    if (node.kind === "nursery") {
      expect(log.count("settle", node.id), `nursery ${node.id} settled once`).toBe(1);
      for (const child of node.children) {
        for (const ev of ["taskStart", "taskEnd"] as const) {
          const events = log.events.filter((e) => e.ev === ev && e.id === child.id && e.nursery === node.id);
          expect(events, `${ev} ${child.id} in nursery ${node.id}`).toHaveLength(1);
        }
      }
    }
    const inner = new Set([...nodesOf(node)].filter((d) => d !== node).map((d) => d.id));
    log.events.forEach((e, i) => {
      if (!inner.has(e.id)) return;
      expect(i, `${e.ev} ${e.id} happened after node ${node.id} was entered`).toBeGreaterThan(start);
      expect(i, `${e.ev} ${e.id} happened before node ${node.id} ended`).toBeLessThan(end);
    });
  }
}

/** Made by the program: thrown by a node, or (strict mode) a MultiError of such errors. */
function isProgramError(error: unknown, trace: Trace, strict: boolean): boolean {
  if (trace.thrown.has(error)) return true;
  return (
    strict &&
    error instanceof MultiError &&
    error.errors.length > 1 &&
    error.errors.every((e) => isProgramError(e, trace, strict))
  );
}

/** Every error reachable from `roots` through MultiError.errors and the failures kept on an error. */
function reachable(roots: unknown[]): Set<unknown> {
  const seen = new Set<unknown>();
  const visit = (error: unknown): void => {
    if (seen.has(error)) return;
    seen.add(error);
    for (const kept of MultiError.suppressed(error)) visit(kept);
    if (error instanceof MultiError) for (const inner of error.errors) visit(inner);
  };
  roots.forEach(visit);
  return seen;
}

function checkErrors(outcome: Outcome, trace: Trace, strict: boolean): void {
  const escaped = outcome.status === "rejected" ? [outcome.error] : [];
  for (const error of escaped) {
    // No outer signal: the root scope is never cancelled, so every Cancelled has a scope that absorbs it.
    expect(isCancelled(error), `a Cancelled escaped run(): ${String(error)}`).toBe(false);
    expect(isProgramError(error, trace, strict), `run() rejected with a foreign error: ${String(error)}`).toBe(true);
  }
  // Anything seen anywhere is a Cancelled or the program's own; and no thrown error was lost on the way.
  const seen = reachable([...escaped, ...trace.swallowed]);
  for (const error of seen) {
    expect(isCancelled(error) || isProgramError(error, trace, strict), `unexpected error ${String(error)}`).toBe(true);
  }
  for (const error of trace.thrown) expect(seen.has(error), `error lost: ${String(error)}`).toBe(true);
}

/**
 * For each entered node, when cancellation became visible to it: `outside` in the context it runs in, `inside` within
 * its own scope (what its pauses see). A timeout's scope is cancelled at its deadline, a nursery's when its body
 * cancels it or a child fails; a shield hides everything outside. Infinity when never.
 */
function cancellationTimes(program: Node, log: Log): { outside: Map<number, number>; inside: Map<number, number> } {
  const outside = new Map<number, number>();
  const inside = new Map<number, number>();
  const own = (node: Node): number => {
    if (node.kind === "timeout") return log.time("enter", node.id) + node.ms;
    if (node.kind !== "nursery") return Infinity;
    const failures = node.children.filter((c) => log.find("finally", c.id)?.ending === "error");
    return Math.min(log.find("cancel", node.id)?.t ?? Infinity, ...failures.map((c) => log.time("finally", c.id)));
  };
  const visit = (node: Node, visible: number): void => {
    if (!log.entered(node)) return;
    outside.set(node.id, visible);
    const within = node.kind === "shield" ? Infinity : Math.min(visible, own(node));
    inside.set(node.id, within);
    for (const child of childrenOf(node)) visit(child, within);
  };
  visit(program, Infinity);
  return { outside, inside };
}

/** When an entered node must have ended, given when its parts ended. */
function expectedEnd(node: Node, log: Log): number {
  const entered = log.time("enter", node.id);
  const pauseEnd = log.find("pause", node.id)?.t ?? entered; // a node has at most one pause
  const childEnds = childrenOf(node)
    .filter((c) => log.entered(c))
    .map((c) => log.time("finally", c.id));
  switch (node.kind) {
    case "sleep":
    case "fail":
    case "swallow":
      return pauseEnd;
    case "nursery":
      return Math.max(pauseEnd, ...childEnds);
    case "seq":
    case "timeout":
    case "shield":
      return childEnds.at(-1) ?? entered;
  }
}

function checkTimingAndCancellation(program: Node, log: Log): void {
  const { outside, inside } = cancellationTimes(program, log);
  // Every pause ends at its natural end, or when cancellation became visible to it (at once if it already was).
  for (const p of log.events) {
    if (p.ev !== "pause") continue;
    const cancelled = inside.get(p.id)!;
    const natural = p.start + p.ms;
    const what = `${p.op} pause of node ${p.id} (${p.start}+${p.ms}, cancelled at ${cancelled})`;
    expect(p.t, `${what}: end time`).toBe(Math.min(natural, Math.max(cancelled, p.start)));
    expect(p.ending, `${what}: ending`).not.toBe("error");
    if (p.ending === "ok") expect(cancelled, `${what} completed though cancelled earlier`).toBeGreaterThanOrEqual(natural);
    else expect(cancelled, `${what} raised Cancelled though not cancelled`).toBeLessThanOrEqual(p.t);
  }
  for (const node of nodesOf(program)) {
    const end = log.find("finally", node.id);
    if (end === undefined) continue;
    expect(end.t, `node ${node.id} ends when its parts do`).toBe(expectedEnd(node, log));
    const visible = outside.get(node.id)!;
    // Only the cancelled scope absorbs its Cancelled: none leaks out where no cancellation is visible (the root,
    // a shield's inside), and a scope does not absorb one while a cancellation outside it is visible (Trio's rule).
    if (end.ending === "cancelled") {
      expect(visible, `node ${node.id} raised Cancelled with no cancellation visible outside it`).toBeLessThanOrEqual(end.t);
    }
    const absorbed = log.find("absorbed", node.id);
    if (absorbed !== undefined) {
      expect(visible, `node ${node.id} absorbed Cancelled though cancelled from outside`).toBeGreaterThanOrEqual(absorbed.t);
    }
  }
}

/** Latest possible end time of `node` started at 0: cancellation only ever makes things end sooner. */
function latestEnd(node: Node): number {
  const children = childrenOf(node).map(latestEnd);
  switch (node.kind) {
    case "sleep":
      return node.ms;
    case "fail":
      return node.delay ?? 0;
    case "nursery":
      return Math.max(node.cancelAfter ?? 0, ...children);
    case "seq":
      return children.reduce((a, b) => a + b, 0);
    case "timeout": // not min(ms, ...): a shield inside keeps running past the deadline
    case "shield":
    case "swallow":
      return children[0]! + (node.kind === "swallow" ? (node.after ?? 0) : 0);
  }
}

const someNode = (program: Node, test: (node: Node) => boolean): boolean => [...nodesOf(program)].some(test);
const canFail = (node: Node): boolean => node.kind === "fail" || (node.kind === "timeout" && node.via === "failAfter");
const canCancel = (node: Node): boolean =>
  node.kind === "timeout" || (node.kind === "nursery" && node.cancelAfter !== null);

// ---------------------------------------------------------------------------------------------------------------

describe("runtime properties", () => {
  const rejections = trackUnhandledRejections();

  test("random structured programs keep the runtime rules", async () => {
    await fc.assert(
      fc.asyncProperty(arbProgram, fc.boolean(), async (program, strict) => {
        const clock = new MockClock({ autojump: true });
        const trace = new Trace(clock);
        const outcome = await settleWithin(run((cx) => execute(cx, program, trace), { clock, strict }), HANG_MS);
        expect(outcome.status, "run() did not settle within 2 s of real time").not.toBe("hung");
        const end = clock.now();

        // No unhandled rejection.
        await hostTurn();
        expect(rejections, "unhandled rejections").toEqual([]);

        // Nothing left armed: moving time far ahead wakes nothing.
        const logged = trace.log.length;
        clock.jump(1e12);
        await hostTurn();
        expect(trace.log.length, "something woke after run() settled").toBe(logged);

        const log = new Log(trace.log);
        checkEntered(program, log);
        checkNesting(program, log);
        checkErrors(outcome, trace, strict);
        expect(trace.violations, "level-triggered cancellation").toEqual([]);
        checkTimingAndCancellation(program, log);
        expect(end, "run() ends when the program does").toBe(log.time("finally", program.id));
        expect(end, "virtual end time").toBeLessThanOrEqual(latestEnd(program));

        // Whole-program models.
        if (!someNode(program, canFail)) {
          expect(outcome, "nothing can fail: run resolves").toEqual({ status: "fulfilled" });
        }
        if (!someNode(program, canFail) && !someNode(program, canCancel)) {
          // Nothing is ever cancelled: every sleep completes and the run takes exactly as long as its longest path.
          for (const node of nodesOf(program)) {
            if (node.kind === "sleep") expect(log.find("pause", node.id)?.ending, `sleep ${node.id}`).toBe("ok");
          }
          expect(end, "virtual end time").toBe(latestEnd(program));
        }
      }),
      { numRuns: 200 },
    );
  });
});
