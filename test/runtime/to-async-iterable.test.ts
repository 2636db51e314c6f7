import { describe, expect, test } from "vitest";
import { openLoop, sleep, toAsyncIterable, UsageError, type Cx } from "corral";
import { mockRun } from "corral/testing";

describe("toAsyncIterable", () => {
  test(
    "a legacy for-await drives a scoped generator: one task across all steps, values produced on demand",
    mockRun(async (cx) => {
      const log: string[] = [];
      let producerTask: Cx | undefined;
      await openLoop(cx, async (loop) => {
        const values: number[] = [];
        const iterate = toAsyncIterable(
          async function* (cx: Cx, upTo: number) {
            try {
              producerTask ??= cx;
              for (let i = 1; i <= upTo; i++) {
                await sleep(cx, 10);
                expect(cx).toBe(producerTask); // the same task at every step
                log.push(`produce ${i}`);
                yield i;
              }
            } finally {
              log.push("producer finally");
            }
          },
          { loop },
        );
        for await (const value of iterate(3)) {
          log.push(`consume ${value}`);
          values.push(value);
        }
        expect(values).toEqual([1, 2, 3]);
      });
      expect(log).toEqual(["produce 1", "consume 1", "produce 2", "consume 2", "produce 3", "consume 3", "producer finally"]);
    }),
  );

  test(
    "breaking out of the loop cancels the producer and waits for its cleanup",
    mockRun(async (cx) => {
      const log: string[] = [];
      await openLoop(cx, async (loop) => {
        const forever = toAsyncIterable(
          async function* (cx: Cx) {
            try {
              for (let i = 0; ; i++) {
                yield i;
                await sleep(cx, 5);
              }
            } finally {
              await sleep(cx, 0).catch(() => {});
              log.push("producer cleaned up");
            }
          },
          { loop },
        );
        for await (const value of forever()) if (value === 2) break;
        log.push("consumer went on");
      });
      // The producer was parked between steps: its task is cancelled there, and its generator closed from it.
      expect(log).toEqual(["producer cleaned up", "consumer went on"]);
    }),
  );

  test(
    "a producer's error reaches the consumer's pending step; aborting the signal rejects it with the reason",
    mockRun(async (cx) => {
      await openLoop(cx, async (loop) => {
        const boom = new RangeError("bad row");
        const failing = toAsyncIterable(
          async function* (cx: Cx) {
            yield 1;
            await sleep(cx, 1);
            throw boom;
          },
          { loop },
        );
        const it = failing();
        expect(await it.next()).toEqual({ done: false, value: 1 });
        await expect(it.next()).rejects.toBe(boom);
        expect(await it.next()).toEqual({ done: true, value: undefined });

        const controller = new AbortController();
        const slow = toAsyncIterable(
          async function* (cx: Cx) {
            await sleep(cx, 1_000);
            yield "never";
          },
          { loop, signal: controller.signal },
        )();
        const step = slow.next();
        await sleep(cx, 10);
        controller.abort("caller gave up");
        await expect(step).rejects.toBe("caller gave up");
      });
    }),
  );

  test("fn must be a function", () => {
    expect(() => toAsyncIterable(42 as never)).toThrow(UsageError);
  });
});
