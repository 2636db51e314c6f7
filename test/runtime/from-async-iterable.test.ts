import { EventEmitter, on } from "node:events";
import { describe, expect, test } from "vitest";
import { UsageError, fromAsyncIterable, moveOnAfter, run, sleep, withNursery } from "corral";
import { MockClock, mockRun, waitAllTasksBlocked } from "corral/testing";

/** An async iterator that records what was called on it and yields values the test pushes. */
function source(): {
  iterator: AsyncIterator<number>;
  push: (value: number) => void;
  end: () => void;
  calls: string[];
} {
  const calls: string[] = [];
  const waiting: ((result: IteratorResult<number>) => void)[] = [];
  const queued: IteratorResult<number>[] = [];
  const deliver = (result: IteratorResult<number>): void => {
    const next = waiting.shift();
    if (next !== undefined) next(result);
    else queued.push(result);
  };
  return {
    calls,
    push: (value) => deliver({ value, done: false }),
    end: () => deliver({ value: undefined, done: true }),
    iterator: {
      next: () => {
        calls.push("next");
        const ready = queued.shift();
        return ready !== undefined ? Promise.resolve(ready) : new Promise((resolve) => waiting.push(resolve));
      },
      return: async () => {
        calls.push("return");
        for (const pending of waiting.splice(0)) pending({ value: undefined, done: true });
        return { value: undefined, done: true };
      },
    },
  };
}

describe("fromAsyncIterable", () => {
  test(
    "yields the source's values until it ends, without calling return()",
    mockRun(async (cx) => {
      const src = source();
      const got: number[] = [];
      await withNursery(cx, async (n) => {
        n.start(async (cx) => {
          for await (const value of fromAsyncIterable(cx, src.iterator)) got.push(value);
        });
        await waitAllTasksBlocked(cx);
        src.push(1);
        src.push(2);
        src.end();
      });
      expect(got).toEqual([1, 2]);
      expect(src.calls).not.toContain("return");
    }),
  );

  test(
    "on cancellation calls return() and waits for the pending step before throwing Cancelled",
    mockRun(async (cx, clock) => {
      const src = source();
      const result = await moveOnAfter(cx, 10, async (cx) => {
        for await (const _value of fromAsyncIterable(cx, src.iterator)) throw new Error("nothing was pushed");
        return "ended";
      });
      expect(result).toBeUndefined();
      expect(clock.now()).toBe(10);
      expect(src.calls).toEqual(["next", "return"]);
    }),
  );

  test(
    "a break calls and awaits return()",
    mockRun(async (cx) => {
      const src = source();
      src.push(1);
      src.push(2);
      for await (const value of fromAsyncIterable(cx, src.iterator)) {
        expect(value).toBe(1);
        break;
      }
      expect(src.calls).toEqual(["next", "return"]);
    }),
  );

  test(
    "works over Node's events.on, whose listeners are gone after cancellation",
    mockRun(async (cx) => {
      const emitter = new EventEmitter();
      const got: unknown[] = [];
      await moveOnAfter(cx, 5, async (cx) => {
        queueMicrotask(() => emitter.emit("tick", "a"));
        for await (const [value] of fromAsyncIterable(cx, on(emitter, "tick"))) got.push(value);
      });
      expect(got).toEqual(["a"]);
      expect(emitter.listenerCount("tick")).toBe(0);
    }),
  );

  test(
    "refuses what is not iterable",
    mockRun(async (cx) => {
      await expect(fromAsyncIterable(cx, 5 as never).next()).rejects.toThrow(UsageError);
    }),
  );
});

describe("fromAsyncIterable: a deadline ends every wait", () => {
  /** A source whose values come at once and whose return() never settles. */
  function stuckOnReturn(): AsyncIterator<number> {
    return { next: async () => ({ value: 1, done: false }), return: () => new Promise<never>(() => {}) };
  }

  test(
    "a break: detachAfter bounds the wait for a return() that never settles",
    mockRun(async (cx, clock) => {
      for await (const _value of fromAsyncIterable(cx, stuckOnReturn(), { detachAfter: 50 })) break;
      expect(clock.now()).toBe(50);
    }),
  );

  test(
    "a throw in the loop: the same bound, then the error",
    mockRun(async (cx, clock) => {
      const boom = new Error("handler failed");
      const loop = async (): Promise<void> => {
        for await (const _value of fromAsyncIterable(cx, stuckOnReturn(), { detachAfter: 50 })) throw boom;
      };
      await expect(loop()).rejects.toBe(boom);
      expect(clock.now()).toBe(50);
    }),
  );

  test(
    "an outer deadline that cancels the loop's body: return() is waited for at most detachAfter",
    mockRun(async (cx, clock) => {
      const result = await moveOnAfter(cx, 100, async (cx) => {
        for await (const _value of fromAsyncIterable(cx, stuckOnReturn(), { detachAfter: 50 })) await sleep(cx, 1_000);
        return "ended";
      });
      expect(result).toBeUndefined();
      expect(clock.now()).toBe(150);
    }),
  );

  test("a close nobody awaits is swept and reported like any forgotten wait, its bound disarmed", async () => {
    const body = mockRun(async (cx) => {
      const steps = fromAsyncIterable(cx, stuckOnReturn(), { detachAfter: 50 });
      await steps.next();
      steps.return().catch(() => {}); // not awaited: the task returns with the close still waiting
    });
    await expect(body()).rejects.toThrow(/1 corral operation\(s\) still waiting/);
  });

  test("without detachAfter, the default (1 s) bounds the wait for return()", async () => {
    const clock = new MockClock({ autojump: true });
    await run(async (cx) => {
      for await (const _value of fromAsyncIterable(cx, stuckOnReturn())) break;
    }, { clock });
    expect(clock.now()).toBe(1_000);
  });

  test("cancelled while next() is pending on a generator blocked in an await: the default bounds it", async () => {
    const clock = new MockClock({ autojump: true });
    async function* blocked(): AsyncGenerator<number> {
      await new Promise<never>(() => {});
      yield 1;
    }
    const result = await run(
      (cx) =>
        moveOnAfter(cx, 10, async (cx) => {
          for await (const _value of fromAsyncIterable(cx, blocked())) return "a value";
          return "ended";
        }),
      { clock },
    );
    expect(result).toBeUndefined();
    expect(clock.now()).toBe(10 + 1_000);
  });
});
