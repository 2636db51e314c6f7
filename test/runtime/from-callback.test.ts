import { promisify } from "node:util";
import { describe, expect, test } from "vitest";
import { UsageError, fromCallback, moveOnAfter, sleep } from "corral";
import { mockRun } from "corral/testing";

type Callback = (error: unknown, ...values: unknown[]) => void;

describe("fromCallback", () => {
  test(
    "resolves with the callback's value, or all of them as an array, and rejects with err",
    mockRun(async (cx) => {
      const one = (a: number, cb: Callback): void => cb(null, a * 2);
      const two = (cb: Callback): void => cb(null, "a", "b");
      const none = (cb: Callback): void => cb(null);
      const failing = (cb: Callback): void => cb(new TypeError("bad input"));
      expect(await fromCallback(cx, one, 21)).toBe(42);
      expect(await fromCallback(cx, two)).toEqual(["a", "b"]);
      expect(await fromCallback(cx, none)).toBeUndefined();
      await expect(fromCallback(cx, failing)).rejects.toThrow(TypeError);
    }),
  );

  test(
    "a callback called synchronously, or twice, settles once with the first call",
    mockRun(async (cx) => {
      const twice = (cb: Callback): void => {
        cb(null, "first");
        cb(null, "second");
        cb(new Error("third"));
      };
      expect(await fromCallback(cx, twice)).toBe("first");
    }),
  );

  test(
    "honours util.promisify.custom",
    mockRun(async (cx) => {
      const legacy = (_cb: Callback): void => {
        throw new Error("the callback form must not be used");
      };
      Object.defineProperty(legacy, promisify.custom, { value: async () => "from the custom promise form" });
      expect(await fromCallback(cx, legacy)).toBe("from the custom promise form");
    }),
  );

  test(
    "on cancellation it is detached at once and a late callback is ignored",
    mockRun(async (cx, clock) => {
      let late: Callback | undefined;
      const slow = (cb: Callback): void => {
        late = cb;
      };
      expect(await moveOnAfter(cx, 10, (cx) => fromCallback(cx, slow))).toBeUndefined();
      expect(clock.now()).toBe(10);
      late!(new Error("too late, nobody listens"));
      await sleep(cx, 1);
    }),
  );

  test(
    "refuses what is not a function",
    mockRun(async (cx) => {
      await expect(fromCallback(cx, "readFile" as never)).rejects.toThrow(UsageError);
    }),
  );
});
