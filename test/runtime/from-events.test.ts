import { EventEmitter } from "node:events";
import { Readable } from "node:stream";
import { describe, expect, test } from "vitest";
import { BrokenResourceError, Cancelled, fromEvents, moveOnAfter, sleep, UsageError, withNursery, type Cx } from "corral";
import { mockRun, waitAllTasksBlocked } from "corral/testing";

describe("fromEvents", () => {
  test(
    "yields each event's arguments in order and ends on an `until` event; listeners are removed",
    mockRun(async (cx) => {
      const emitter = new EventEmitter();
      const seen: unknown[][] = [];
      await withNursery(cx, async (n) => {
        n.start(async (cx: Cx) => {
          for await (const args of fromEvents(cx, emitter, "data", { until: "end" })) seen.push(args);
        });
        await waitAllTasksBlocked(cx);
        emitter.emit("data", 1, "a");
        emitter.emit("data", 2, "b");
        emitter.emit("end");
        emitter.emit("data", 3, "late");
      });
      expect(seen).toEqual([
        [1, "a"],
        [2, "b"],
      ]);
      expect(emitter.listenerCount("data") + emitter.listenerCount("end") + emitter.listenerCount("error")).toBe(0);
    }),
  );

  test(
    "an 'error' event ends the iteration by throwing it, after the events before it",
    mockRun(async (cx) => {
      const emitter = new EventEmitter();
      const boom = new Error("stream broke");
      const seen: unknown[] = [];
      const iterate = async (cx: Cx) => {
        for await (const [value] of fromEvents(cx, emitter, "data")) seen.push(value);
      };
      await withNursery(cx, async (n) => {
        n.start(async (cx: Cx) => await expect(iterate(cx)).rejects.toBe(boom));
        await waitAllTasksBlocked(cx);
        emitter.emit("data", "x");
        emitter.emit("error", boom);
      });
      expect(seen).toEqual(["x"]);
    }),
  );

  test(
    "a source that cannot pause fails loudly when the buffer overflows; nothing buffered is lost",
    mockRun(async (cx) => {
      const emitter = new EventEmitter();
      for (let i = 0; i < 2; i++) setTimeout(() => {}, 0); // unrelated legacy noise is fine
      const seen: unknown[] = [];
      const reading = (async () => {
        for await (const [value] of fromEvents(cx, emitter, "tick", { buffer: 3 })) {
          seen.push(value);
          if (value === 0) for (let i = 1; i <= 5; i++) emitter.emit("tick", i); // a burst while busy
        }
      })();
      await Promise.resolve();
      emitter.emit("tick", 0);
      await expect(reading).rejects.toThrow(BrokenResourceError);
      expect(seen).toEqual([0, 1, 2, 3]);
    }),
  );

  test(
    "a Node stream is paused when the buffer is full and resumed once the reader catches up",
    mockRun(async (cx) => {
      const source = new Readable({ read() {} });
      const pauses: string[] = [];
      const pause = source.pause.bind(source);
      const resume = source.resume.bind(source);
      source.pause = () => (pauses.push("pause"), pause());
      source.resume = () => (pauses.push("resume"), resume());
      for (let i = 0; i < 8; i++) source.push(`chunk ${i}`);
      source.push(null);
      const chunks: string[] = [];
      for await (const [chunk] of fromEvents(cx, source, "data", { buffer: 4, until: "end" })) {
        chunks.push(String(chunk));
        await sleep(cx, 1); // a slow reader
      }
      expect(chunks).toHaveLength(8);
      expect(pauses).toContain("pause");
      expect(pauses.at(-1)).toBe("resume");
    }),
  );

  test(
    "cancellation interrupts the wait for the next event and removes the listeners",
    mockRun(async (cx) => {
      const target = new EventTarget();
      let caught: unknown;
      await moveOnAfter(cx, 100, async (cx) => {
        try {
          for await (const _ of fromEvents(cx, target, "ping")) expect.unreachable();
        } catch (error) {
          caught = error;
          throw error;
        }
      });
      expect(caught).toBeInstanceOf(Cancelled);
      expect(cx.now()).toBe(100);
    }),
  );

  test(
    "misuse is refused",
    mockRun(async (cx) => {
      await expect(fromEvents(cx, {} as EventEmitter, "x").next()).rejects.toThrow(UsageError);
      await expect(fromEvents(cx, new EventEmitter(), "x", { buffer: 0 }).next()).rejects.toThrow(/buffer/);
    }),
  );
});

describe("fromEvents leaves a stream as it found it", () => {
  /** Read what the stream holds now, without starting it flowing. */
  function buffered(stream: Readable): string[] {
    const chunks: string[] = [];
    for (let chunk = stream.read(); chunk !== null; chunk = stream.read()) chunks.push(String(chunk));
    return chunks;
  }

  test(
    "a stream nobody read yet: after cancellation it does not flow, and data written afterwards is kept",
    mockRun(async (cx) => {
      const stream = new Readable({ read() {} });
      await moveOnAfter(cx, 10, async (cx) => {
        for await (const _ of fromEvents(cx, stream, "data")) expect.unreachable();
      });
      expect(stream.readableFlowing).toBeNull();
      stream.push("written after");
      expect(buffered(stream)).toEqual(["written after"]);
    }),
  );

  test(
    "a stream paused by its owner stays paused after a break",
    mockRun(async (cx) => {
      const stream = new Readable({ read() {} });
      stream.pause();
      stream.push("first");
      for await (const _ of fromEvents(cx, stream, "data")) break;
      expect(stream.readableFlowing).toBe(false);
      stream.push("second");
      expect(buffered(stream)).toEqual(["second"]);
    }),
  );

  test(
    "a flowing stream that fromEvents paused for backpressure flows again once the loop ends",
    mockRun(async (cx) => {
      const stream = new Readable({ read() {} });
      const other: string[] = [];
      stream.on("data", (chunk) => other.push(String(chunk))); // another reader keeps it flowing
      for (let i = 0; i < 4; i++) stream.push(`chunk ${i}`);
      for await (const _ of fromEvents(cx, stream, "data", { buffer: 2 })) {
        await sleep(cx, 1); // the buffer fills while the stream emits: fromEvents pauses it
        break;
      }
      expect(stream.readableFlowing).toBe(true);
    }),
  );
});
