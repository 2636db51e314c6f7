import { describe, expect, test } from "vitest";
import { CorralError, toCallback } from "corral";

/** Call `fn` err-first and resolve with the arguments its callback got. */
function callBack(fn: (callback: (error: unknown, value?: unknown) => void) => void): Promise<unknown[]> {
  return new Promise((resolve) => fn((...args) => resolve(args)));
}

describe("toCallback and a falsy failure", () => {
  test.each([
    ["undefined", undefined],
    ["null", null],
    ["0", 0],
    ["an empty string", ""],
    ["false", false],
    ["NaN", NaN],
  ])("a scoped function that throws %s calls back with an error, not success", async (_what, falsy) => {
    const fails = toCallback(async () => {
      throw falsy;
    });
    const args = await callBack((callback) => fails(callback));
    const [error] = args;
    // As util.callbackify does: an Error with code ERR_FALSY_VALUE_REJECTION, and the value thrown as its reason.
    expect(error).toBeInstanceOf(CorralError);
    expect(error).toMatchObject({ code: "ERR_FALSY_VALUE_REJECTION", reason: falsy });
    expect((error as Error).message).toMatch(/falsy value.*reason/);
    expect(args).toHaveLength(1);
  });
});
