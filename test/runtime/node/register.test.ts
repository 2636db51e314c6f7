import { describe, expect, test } from "vitest";
import { runProgram } from "../../support/run-program.ts";

/** corral/register against what Node's own test suite checks (issue 17 item 10), in a program of its own. */
describe("corral/register keeps what Node's tests observe", () => {
  test("a worker's error reaches its parent; process.emit keeps its name; inspect shows no corral state", async () => {
    const ran = await runProgram("register-fidelity.mjs", ["--import", "corral/register"]);
    expect(ran.stderr).toBe("");
    expect(JSON.parse(ran.stdout)).toEqual({
      emitName: "emit",
      promise: "Promise { <pending> }",
      timerSymbols: [],
      workerError: "thrown in the worker",
      workerExit: 1,
    });
  });
});
