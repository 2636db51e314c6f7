import { EventEmitter } from "node:events";
import { Readable } from "node:stream";
import { describe, expect, test } from "vitest";
import { UsageError, fromEvent, moveOnAfter, withNursery } from "corral";
import { mockRun, waitAllTasksBlocked } from "corral/testing";

describe("fromEvent", () => {
  test(
    "resolves with an EventEmitter's listener arguments and removes its listeners",
    mockRun(async (cx) => {
      const emitter = new EventEmitter();
      let got: unknown;
      await withNursery(cx, async (n) => {
        n.start(async (cx) => {
          got = await fromEvent(cx, emitter, "data");
        });
        await waitAllTasksBlocked(cx);
        expect(emitter.listenerCount("data")).toBe(1);
        expect(emitter.listenerCount("error")).toBe(1);
        emitter.emit("data", "chunk", 7);
      });
      expect(got).toEqual(["chunk", 7]);
      expect(emitter.listenerCount("data")).toBe(0);
      expect(emitter.listenerCount("error")).toBe(0);
    }),
  );

  test(
    "rejects when 'error' is emitted first",
    mockRun(async (cx) => {
      const emitter = new EventEmitter();
      const boom = new Error("socket hang up");
      await withNursery(cx, async (n) => {
        n.start(async (cx) => {
          await expect(fromEvent(cx, emitter, "response")).rejects.toBe(boom);
        });
        await waitAllTasksBlocked(cx);
        emitter.emit("error", boom);
      });
      expect(emitter.listenerCount("response")).toBe(0);
    }),
  );

  test(
    "resolves with [event] on an EventTarget",
    mockRun(async (cx) => {
      const target = new EventTarget();
      let got: unknown[] = [];
      await withNursery(cx, async (n) => {
        n.start(async (cx) => {
          got = await fromEvent(cx, target, "ping");
        });
        await waitAllTasksBlocked(cx);
        target.dispatchEvent(new Event("ping"));
      });
      expect(got).toHaveLength(1);
      expect((got[0] as Event).type).toBe("ping");
    }),
  );

  test(
    "cancellation removes the listeners and throws Cancelled at once",
    mockRun(async (cx, clock) => {
      const emitter = new EventEmitter();
      const target = new EventTarget();
      expect(await moveOnAfter(cx, 5, (cx) => fromEvent(cx, emitter, "never"))).toBeUndefined();
      expect(await moveOnAfter(cx, 5, (cx) => fromEvent(cx, target, "never"))).toBeUndefined();
      expect(clock.now()).toBe(10);
      expect(emitter.listenerCount("never")).toBe(0);
      expect(emitter.listenerCount("error")).toBe(0);
    }),
  );

  test(
    "refuses a source that is neither kind",
    mockRun(async (cx) => {
      await expect(fromEvent(cx, {} as never, "x")).rejects.toThrow(UsageError);
    }),
  );
});

describe("fromEvent leaves a stream as it found it", () => {
  test(
    "one 'data' event from a stream nobody read yet: the chunks after it wait for the next reader",
    mockRun(async (cx) => {
      const stream = new Readable({ read() {} });
      stream.push("first");
      stream.push("second");
      const [chunk] = await fromEvent(cx, stream, "data");
      expect(String(chunk)).toBe("first");
      expect(stream.readableFlowing).toBeNull();
      stream.push("third");
      const rest: string[] = [];
      for (let c = stream.read(); c !== null; c = stream.read()) rest.push(String(c));
      expect(rest.join("")).toBe("secondthird");
    }),
  );
});
