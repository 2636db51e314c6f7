/**
 * Property test of memory channels. Random scenarios, each on a fresh autojumping MockClock: a channel of random
 * capacity (0, 1, small, Infinity); producers, each on its own send clone, sending a sequence of unique values
 * `"<producer>:<seq>"` with random pauses, some with `sendNowait` first, some cancelled mid-way by `moveOnAfter`,
 * some whose clone another task closes mid-way; consumers, each on its own receive clone, by `receive`, `iterate` or
 * `receiveNowait`, some cancelled mid-way, some stopping after a few values (closing their clone or not), some whose
 * clone another task closes mid-way; and sometimes a spare receive clone kept by the test to drain what is left.
 * The whole scenario runs under a long `moveOnAfter`, so a scenario that leaves senders blocked for good (every
 * consumer stopped, a receive clone still open) ends by cancellation instead of hanging. Each run must keep:
 *
 * - exactly once: every value whose send returned is received exactly once, except values legitimately left in
 *   the buffer at the end (then, per producer, the unreceived values are the last ones it sent; if a receive end is
 *   still open they are exactly what the buffer holds; if every receive end was closed they were dropped, at most
 *   `capacity` of them); with the spare clone, everything sent is received;
 * - nothing made up: no value whose send threw (Cancelled, ClosedResourceError, BrokenResourceError) is received,
 *   nor any value never offered;
 * - order: each consumer sees each producer's values in the order they were sent;
 * - errors where due: Cancelled only after a deadline around the operation, ClosedResourceError only on a clone
 *   that was closed (and no operation on a clone completes after another task closed it), BrokenResourceError only
 *   when every receive end is closed, EndOfChannel only when every send end is closed and the buffer is empty;
 * - invariants: between operations the buffer holds at most `capacity` values, a sender waits only while the
 *   buffer is full, a receiver only while it is empty and no sender waits;
 * - no waiter left parked: once the last send end closes no receiver waits, once the last receive end closes no
 *   sender waits and nothing is buffered, and at the end `statistics()` shows no waiting task;
 * - liveness: the run settles (real-time hang guard), with no unhandled rejection; a scenario where nothing is
 *   cancelled, closed early or stopped early delivers every value and ends before the long deadline.
 */
import fc from "fast-check";
import { describe, expect, test } from "vitest";
import {
  BrokenResourceError,
  ClosedResourceError,
  EndOfChannel,
  WouldBlock,
  isCancelled,
  moveOnAfter,
  openChannel,
  run,
  sleep,
  withNursery,
  type ChannelStatistics,
  type Cx,
  type ReceiveChannel,
  type SendChannel,
} from "corral";
import { MockClock } from "corral/testing";
import { HANG_MS, hostTurn, settleWithin, trackUnhandledRejections } from "../support/settle.ts";

// ---------------------------------------------------------------------------------------------------------------
// Scenarios

interface Producer {
  /** The pause (ms, 0 = a bare checkpoint) before each value it sends; the length is how many values it offers. */
  pauses: number[];
  /** Cancel the producer (a moveOnAfter around its loop) at this time. */
  cancelAt: number | null;
  /** Another task closes this producer's clone at this time. */
  closeAt: number | null;
  /** Try `sendNowait` first, falling back to `send` on WouldBlock. */
  nowait: boolean;
}

type ConsumerMode = "receive" | "iterate" | "nowait";

interface Consumer {
  /** Pauses between receives, used in turn. */
  pauses: number[];
  /** Stop after this many values. */
  maxCount: number | null;
  cancelAt: number | null;
  closeAt: number | null;
  mode: ConsumerMode;
  /** Close its clone when it stops (otherwise the clone stays open and unused). */
  closeWhenDone: boolean;
}

interface Scenario {
  capacity: number;
  producers: Producer[];
  consumers: Consumer[];
  /** The test keeps a spare receive clone and drains it at the end. */
  keepDrain: boolean;
}

/** The long deadline around the whole scenario; every generated time is far below it. */
const GLOBAL_DEADLINE = 1_000;
const pause = fc.integer({ min: 0, max: 5 });
/** A number from 0 to `max` one time in four, otherwise null (no such disturbance). */
const rarely = (max: number): fc.Arbitrary<number | null> =>
  fc.oneof({ arbitrary: fc.constant(null), weight: 3 }, { arbitrary: fc.integer({ min: 0, max }), weight: 1 });

const arbProducer: fc.Arbitrary<Producer> = fc.record({
  pauses: fc.array(pause, { maxLength: 8 }),
  cancelAt: rarely(30),
  closeAt: rarely(30),
  nowait: fc.boolean(),
});

const arbConsumer: fc.Arbitrary<Consumer> = fc.record({
  pauses: fc.array(pause, { minLength: 1, maxLength: 4 }),
  maxCount: rarely(8),
  cancelAt: rarely(40),
  closeAt: rarely(40),
  mode: fc.constantFrom<ConsumerMode>("receive", "iterate", "nowait"),
  closeWhenDone: fc.oneof({ arbitrary: fc.constant(true), weight: 3 }, { arbitrary: fc.constant(false), weight: 1 }),
});

/** One scenario in five is calm: nothing cancelled, closed early or stopped early (see `undisturbed`). */
const arbScenario: fc.Arbitrary<Scenario> = fc
  .record({
    capacity: fc.oneof(fc.constant(0), fc.constant(1), fc.integer({ min: 2, max: 4 }), fc.constant(Infinity)),
    producers: fc.array(arbProducer, { minLength: 1, maxLength: 4 }),
    consumers: fc.array(arbConsumer, { minLength: 1, maxLength: 3 }),
    keepDrain: fc.boolean(),
    calm: fc.oneof({ arbitrary: fc.constant(false), weight: 4 }, { arbitrary: fc.constant(true), weight: 1 }),
  })
  .map(({ calm, ...scenario }): Scenario => {
    if (!calm) return scenario;
    return {
      ...scenario,
      producers: scenario.producers.map((p) => ({ ...p, cancelAt: null, closeAt: null })),
      consumers: scenario.consumers.map((c) => ({ ...c, cancelAt: null, closeAt: null, maxCount: null })),
    };
  });

/** Nothing is cancelled, closed early or stopped early: every value must arrive. */
function undisturbed(scenario: Scenario): boolean {
  return (
    scenario.producers.every((p) => p.cancelAt === null && p.closeAt === null) &&
    scenario.consumers.every((c) => c.cancelAt === null && c.closeAt === null && c.maxCount === null)
  );
}

// ---------------------------------------------------------------------------------------------------------------
// Running one scenario

const DRAIN = -1;

class Trace {
  /** Per producer, the values whose send returned normally, in order. */
  readonly sent: string[][];
  /** Values whose send threw Cancelled, ClosedResourceError or BrokenResourceError. */
  readonly failed = new Set<string>();
  /** Every value received, with the consumer (or DRAIN) that received it, in the order they were recorded. */
  readonly received: { consumer: number; value: string }[] = [];
  /** When another task closed a producer's / consumer's clone. */
  readonly closedProducers = new Map<number, number>();
  readonly closedConsumers = new Map<number, number>();
  readonly violations: string[] = [];
  /** Statistics once every task has finished, before the drain. */
  final: ChannelStatistics | null = null;

  constructor(
    scenario: Scenario,
    readonly clock: MockClock,
  ) {
    this.sent = scenario.producers.map(() => []);
  }

  violation(message: string): void {
    this.violations.push(`t=${this.clock.now()}: ${message}`);
  }
}

/** `moveOnAfter(cx, ms, body)`, or just `body(cx)` when `ms` is null. */
async function maybeMoveOn(cx: Cx, ms: number | null, body: (cx: Cx) => Promise<void>): Promise<void> {
  if (ms === null) await body(cx);
  else await moveOnAfter(cx, ms, body);
}

/** Check that a Cancelled was due: a deadline around the operation (its own, or the global one) has passed. */
function checkCancelled(trace: Trace, who: string, cancelAt: number | null): void {
  const now = trace.clock.now();
  if (!((cancelAt !== null && now >= cancelAt) || now >= GLOBAL_DEADLINE)) {
    trace.violation(`${who} raised Cancelled though no deadline around it had passed (cancelAt ${String(cancelAt)})`);
  }
}

/**
 * The channel's invariants, checked between operations: the buffer never holds more than `capacity` values; a
 * sender waits only while the buffer is full (for capacity 0: always); a receiver waits only while the buffer is
 * empty and no sender waits.
 */
function checkInvariants(trace: Trace, end: SendChannel<string> | ReceiveChannel<string>, who: string): void {
  const s = end.statistics();
  const broken =
    s.currentBufferUsed > s.maxBufferSize ||
    (s.tasksWaitingSend > 0 && s.currentBufferUsed !== s.maxBufferSize) ||
    (s.tasksWaitingReceive > 0 && (s.currentBufferUsed !== 0 || s.tasksWaitingSend !== 0));
  if (broken) trace.violation(`${who}: channel invariants broken: ${JSON.stringify(s)}`);
}

/**
 * An operation on a clone that another task closed at `closedAt` may complete at that time (the value changed hands
 * just before the close) but not later: a task blocked on a clone that is closed gets ClosedResourceError.
 */
function checkNotAfterClose(trace: Trace, closedAt: number | undefined, what: string): void {
  if (closedAt !== undefined && trace.clock.now() > closedAt) {
    trace.violation(`${what} completed though the clone was closed at t=${closedAt}`);
  }
}

/** After closing a send end: once none is open, nobody may still wait to receive. */
function checkSendersGone(trace: Trace, end: SendChannel<string>, who: string): void {
  const stats = end.statistics();
  if (stats.openSendChannels === 0 && stats.tasksWaitingReceive !== 0) {
    trace.violation(`${who}: the last send end closed but ${stats.tasksWaitingReceive} receivers still wait`);
  }
}

/** After closing a receive end: once none is open, nobody may still wait to send and nothing stays buffered. */
function checkReceiversGone(trace: Trace, end: ReceiveChannel<string>, who: string): void {
  const stats = end.statistics();
  if (stats.openReceiveChannels === 0 && (stats.tasksWaitingSend !== 0 || stats.currentBufferUsed !== 0)) {
    trace.violation(
      `${who}: the last receive end closed but ${stats.tasksWaitingSend} senders still wait and ` +
        `${stats.currentBufferUsed} values are still buffered`,
    );
  }
}

async function produce(cx: Cx, id: number, spec: Producer, end: SendChannel<string>, trace: Trace): Promise<void> {
  const who = `producer ${id}`;
  try {
    await maybeMoveOn(cx, spec.cancelAt, async (cx) => {
      try {
        await sendAll(cx);
      } catch (error) {
        if (isCancelled(error)) checkCancelled(trace, who, spec.cancelAt);
        throw error;
      }
    });
  } catch (error) {
    if (isCancelled(error)) throw error; // the global scope's own: let it absorb it
    if (error instanceof ClosedResourceError) {
      if (!trace.closedProducers.has(id)) trace.violation(`${who} got ClosedResourceError on a clone nobody closed`);
    } else if (error instanceof BrokenResourceError) {
      const open = end.statistics().openReceiveChannels;
      if (open !== 0) trace.violation(`${who} got BrokenResourceError with ${open} receive ends open`);
    } else {
      throw error;
    }
  } finally {
    end.close();
    checkSendersGone(trace, end, who);
    checkInvariants(trace, end, who);
  }

  async function sendAll(cx: Cx): Promise<void> {
    for (const [seq, ms] of spec.pauses.entries()) {
      await sleep(cx, ms);
      const value = `${id}:${seq}`;
      try {
        let done = false;
        if (spec.nowait) {
          try {
            end.sendNowait(value);
            done = true;
          } catch (error) {
            if (!(error instanceof WouldBlock)) throw error;
          }
        }
        if (!done) await end.send(cx, value);
      } catch (error) {
        trace.failed.add(value);
        throw error;
      }
      trace.sent[id]!.push(value);
      checkInvariants(trace, end, who);
      checkNotAfterClose(trace, trace.closedProducers.get(id), `${who}'s send of ${value}`);
    }
  }
}

async function consume(cx: Cx, id: number, spec: Consumer, end: ReceiveChannel<string>, trace: Trace): Promise<void> {
  const who = `consumer ${id}`;
  let taken = 0;
  const more = (): boolean => spec.maxCount === null || taken < spec.maxCount;
  const nextPause = (): number => spec.pauses[taken % spec.pauses.length]!;
  const take = (value: string): void => {
    trace.received.push({ consumer: id, value });
    taken++;
    checkInvariants(trace, end, who);
    checkNotAfterClose(trace, trace.closedConsumers.get(id), `${who}'s receive of ${value}`);
  };
  /** The channel has ended here: every send end closed, nothing buffered. */
  const checkEnded = (how: string): void => {
    const stats = end.statistics();
    if (stats.openSendChannels !== 0 || stats.currentBufferUsed !== 0) {
      trace.violation(
        `${who} saw the channel end (${how}) with ${stats.openSendChannels} send ends open and ` +
          `${stats.currentBufferUsed} values buffered`,
      );
    }
  };
  try {
    await maybeMoveOn(cx, spec.cancelAt, async (cx) => {
      try {
        await receiveAll(cx);
      } catch (error) {
        if (isCancelled(error)) checkCancelled(trace, who, spec.cancelAt);
        throw error;
      }
    });
  } catch (error) {
    if (isCancelled(error)) throw error; // the global scope's own: let it absorb it
    if (!(error instanceof ClosedResourceError)) throw error;
    if (!trace.closedConsumers.has(id)) trace.violation(`${who} got ClosedResourceError on a clone nobody closed`);
  } finally {
    if (spec.closeWhenDone) {
      end.close();
      checkReceiversGone(trace, end, who);
      checkInvariants(trace, end, who);
    }
  }

  async function receiveAll(cx: Cx): Promise<void> {
    if (spec.mode === "iterate") {
      if (!more()) return;
      let stopped = false;
      for await (const value of end.iterate(cx)) {
        take(value);
        if (!more()) {
          stopped = true;
          break;
        }
        await sleep(cx, nextPause());
      }
      if (!stopped) checkEnded("iterate ended");
      return;
    }
    while (more()) {
      await sleep(cx, nextPause());
      let value: string;
      try {
        if (spec.mode === "nowait") {
          try {
            value = end.receiveNowait();
          } catch (error) {
            if (!(error instanceof WouldBlock)) throw error;
            value = await end.receive(cx);
          }
        } else {
          value = await end.receive(cx);
        }
      } catch (error) {
        if (error instanceof EndOfChannel) {
          checkEnded("EndOfChannel");
          return;
        }
        throw error;
      }
      take(value);
    }
  }
}

async function runScenario(cx: Cx, scenario: Scenario, trace: Trace): Promise<void> {
  const [send, receive] = openChannel<string>(scenario.capacity);
  const sends = scenario.producers.map(() => send.clone());
  const receives = scenario.consumers.map(() => receive.clone());
  const drain = scenario.keepDrain ? receive.clone() : null;
  send.close();
  receive.close();

  await moveOnAfter(cx, GLOBAL_DEADLINE, (cx) =>
    withNursery(cx, (n) => {
      scenario.producers.forEach((spec, id) => {
        n.start(produce, id, spec, sends[id]!, trace);
        if (spec.closeAt !== null) {
          const at = spec.closeAt;
          n.start(async (cx) => {
            await sleep(cx, at);
            trace.closedProducers.set(id, cx.now());
            sends[id]!.close();
            checkSendersGone(trace, send, `closer of producer ${id}`);
          });
        }
      });
      scenario.consumers.forEach((spec, id) => {
        n.start(consume, id, spec, receives[id]!, trace);
        if (spec.closeAt !== null) {
          const at = spec.closeAt;
          n.start(async (cx) => {
            await sleep(cx, at);
            trace.closedConsumers.set(id, cx.now());
            receives[id]!.close();
            checkReceiversGone(trace, receive, `closer of consumer ${id}`);
          });
        }
      });
    }),
  );

  trace.final = send.statistics();
  if (drain !== null) {
    for (;;) {
      let value: string;
      try {
        value = drain.receiveNowait();
      } catch (error) {
        if (error instanceof EndOfChannel) break;
        trace.violation(`draining at the end raised ${String(error)} instead of EndOfChannel`);
        break;
      }
      trace.received.push({ consumer: DRAIN, value });
    }
    drain.close();
  }
  for (const end of receives) end.close();
}


// ---------------------------------------------------------------------------------------------------------------
// What must hold

function parse(value: string): { producer: number; seq: number } {
  const [producer, seq] = value.split(":").map(Number);
  return { producer: producer!, seq: seq! };
}

function checkDelivery(scenario: Scenario, trace: Trace): void {
  const sent = new Set(trace.sent.flat());
  const seen = new Set<string>();
  for (const { consumer, value } of trace.received) {
    expect(typeof value, `consumer ${consumer} received a non-string ${String(value)}`).toBe("string");
    expect(seen.has(value), `${value} was received twice`).toBe(false);
    seen.add(value);
    expect(trace.failed.has(value), `${value} was received though its send threw`).toBe(false);
    expect(sent.has(value), `${value} was received though its send never returned`).toBe(true);
  }

  // Each consumer sees each producer's values in sending order.
  const consumers = [...scenario.consumers.keys(), DRAIN];
  for (const consumer of consumers) {
    const last = new Map<number, number>();
    for (const entry of trace.received) {
      if (entry.consumer !== consumer) continue;
      const { producer, seq } = parse(entry.value);
      const before = last.get(producer) ?? -1;
      expect(seq, `consumer ${consumer}: ${entry.value} came after ${producer}:${before}`).toBeGreaterThan(before);
      last.set(producer, seq);
    }
  }

  // Per producer, the received values are the first ones it sent; the rest were left in the buffer.
  const leftovers: string[] = [];
  trace.sent.forEach((values, producer) => {
    const got = values.filter((v) => seen.has(v));
    expect(values.slice(0, got.length), `producer ${producer}: received values are a prefix of those sent`).toEqual(
      got,
    );
    leftovers.push(...values.slice(got.length));
  });

  const final = trace.final!;
  expect(final.tasksWaitingSend, "tasks left waiting to send").toBe(0);
  expect(final.tasksWaitingReceive, "tasks left waiting to receive").toBe(0);
  expect(final.openSendChannels, "every producer closed its clone").toBe(0);
  if (scenario.keepDrain) {
    expect(leftovers, "with a spare receive clone, every value sent was received").toEqual([]);
  } else if (final.openReceiveChannels > 0) {
    expect(leftovers.length, "values sent but not received are exactly the buffered ones").toBe(final.currentBufferUsed);
  } else {
    expect(final.currentBufferUsed, "every receive end closed: the buffer was dropped").toBe(0);
    expect(leftovers.length, "only buffered values can be dropped").toBeLessThanOrEqual(scenario.capacity);
  }

  if (undisturbed(scenario)) {
    const offered = scenario.producers.reduce((sum, p) => sum + p.pauses.length, 0);
    expect(trace.failed.size, "undisturbed: no send failed").toBe(0);
    expect(seen.size, "undisturbed: every value offered was received").toBe(offered);
  }
}

// ---------------------------------------------------------------------------------------------------------------

describe("channel properties", () => {
  const rejections = trackUnhandledRejections();

  test(
    "under random producers, consumers, cancellations and closes every value sent is received once, in order, and no waiter is left",
    async () => {
      await fc.assert(
        fc.asyncProperty(arbScenario, async (scenario) => {
          const clock = new MockClock({ autojump: true });
          const trace = new Trace(scenario, clock);
          const outcome = await settleWithin(run((cx) => runScenario(cx, scenario, trace), { clock }), HANG_MS);
          expect(outcome.status, "run() did not settle within 2 s of real time").not.toBe("hung");
          if (outcome.status === "rejected") throw outcome.error;
          await hostTurn();
          expect(rejections, "unhandled rejections").toEqual([]);
          expect(trace.violations, "rule violations seen while running").toEqual([]);
          checkDelivery(scenario, trace);
          if (undisturbed(scenario)) {
            expect(clock.now(), "undisturbed: finished before the long deadline").toBeLessThan(GLOBAL_DEADLINE);
          }
        }),
        { numRuns: 200 },
      );
    },
  );
});
