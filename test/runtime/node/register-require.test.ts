import { fileURLToPath } from "node:url";
import { describe, expect, test } from "vitest";
import { runProgram } from "../../support/run-program.ts";

/**
 * `node --require corral/register`: the form for CommonJS programs and require-hook runners (ts-node,
 * esbuild-register). `--import` sends the main file through the ESM loader on Node 20, which such hooks never see.
 */
const hook = fileURLToPath(new URL("../../programs/require-hook/register-ts.cjs", import.meta.url));
const preload = ["--require", "corral/register", "--require", hook];

describe("corral/register preloaded with --require", () => {
  test("a TypeScript main compiled by a require hook runs inside the root loop", async () => {
    const ran = await runProgram("require-hook/main.ts", preload);
    expect(ran.stderr).toBe("");
    expect(ran.code).toBe(0);
    expect(JSON.parse(ran.stdout)).toEqual({ inLoop: true, timerInLoop: true });
  });

  test("a crash fails the root loop, then meets Node's own handling (exit code 1, the error on stderr)", async () => {
    const ran = await runProgram("require-hook/main.ts", preload, ["crash"]);
    expect(JSON.parse(ran.stdout)).toEqual({ inLoop: true, timerInLoop: true });
    expect(ran.code).toBe(1);
    expect(ran.stderr).toContain("Error: crashed in a timer");
  });
});
