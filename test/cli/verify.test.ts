import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, test } from "vitest";
import { firstLines } from "../../cli/verify.ts";
import { corralIn } from "../support/cli.ts";

/**
 * `migrate --write --verify "<command>"` on a small project whose "test suite" is a script: it fails when the
 * rewrite of one chosen function is in place (its file then reads `async function <name>`), as a real suite fails
 * when a rewrite breaks what it tests.
 */
const SOURCE = `export function one(p: Promise<string>): Promise<string> {
  return p.then((v) => v.trim());
}

export function two(p: Promise<string>): Promise<string> {
  return p.then((v) => v.toUpperCase());
}

export function three(p: Promise<string>): Promise<number> {
  return p.then((v) => v.length);
}
`;

/** A suite that fails with an assertion when any of `broken` has been made async. */
function suite(...broken: string[]): string {
  const checks = broken.map((name) => `if (/async function ${name}\\(/.test(text)) { console.log("FAIL api.test.ts > ${name}"); console.log("AssertionError: expected ${name} to throw synchronously"); process.exit(1); }`);
  return `const text = require("node:fs").readFileSync("api.ts", "utf8");\nconsole.log("running 3 tests");\n${checks.join("\n")}\nconsole.log("3 passed");\n`;
}

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), "corral-verify-"));
  writeFileSync(path.join(dir, "api.ts"), SOURCE);
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const read = (): string => readFileSync(path.join(dir, "api.ts"), "utf8");

describe("corral migrate --write --verify", () => {
  test("the rewrite that turns the suite red is refused broke-tests with the failure's first lines; the others are written", async () => {
    writeFileSync(path.join(dir, "suite.cjs"), suite("two"));
    const ran = await corralIn(dir, ["migrate", "api.ts", "--to", "async", "--write", "--allow-dirty", "--json", "--verify", "node suite.cjs"]);
    expect(ran.code).toBe(0);
    const results = (JSON.parse(ran.stdout) as { results: { function: string; outcome: string; reason: { code: string; message: string } | null }[] }).results;
    expect(results.map((r) => [r.function, r.outcome])).toEqual([
      ["one", "changed"],
      ["two", "refused"],
      ["three", "changed"],
    ]);
    const reason = results[1]!.reason!;
    expect(reason.code).toBe("broke-tests");
    expect(reason.message).toContain("`node suite.cjs` fails");
    expect(reason.message).toContain("FAIL api.test.ts > two");
    expect(read()).toContain("export async function one(");
    expect(read()).toContain("export function two(p: Promise<string>): Promise<string> {\n  return p.then((v) => v.toUpperCase());");
    expect(read()).toContain("export async function three(");
    expect(ran.stderr).toContain("refused");
  });

  test("two culprits are both found, and the suite is green on what is written", async () => {
    writeFileSync(path.join(dir, "suite.cjs"), suite("one", "three"));
    const ran = await corralIn(dir, ["migrate", "api.ts", "--to", "async", "--write", "--allow-dirty", "--verify", "node suite.cjs"]);
    expect(ran.code).toBe(0);
    expect(ran.stdout).toContain("1 changed, 0 unchanged, 2 refused (broke-tests 2)");
    expect(read()).toContain("export async function two(");
    expect(read()).not.toMatch(/async function (one|three)\(/);
  });

  test("a suite red before any rewrite: nothing is written, and the message says why", async () => {
    writeFileSync(path.join(dir, "suite.cjs"), `console.log("FAIL always"); process.exit(1);\n`);
    const ran = await corralIn(dir, ["migrate", "api.ts", "--to", "async", "--write", "--allow-dirty", "--verify", "node suite.cjs"]);
    expect(ran.code).toBe(1);
    expect(ran.stderr).toContain("fails before any rewrite");
    expect(ran.stderr).toContain("FAIL always");
    expect(read()).toBe(SOURCE);
  });

  test("interrupted mid-way (Ctrl-C while the suite runs on the rewritten files), every file is put back", async () => {
    // On the rewritten text the suite sends SIGINT to corral (its shell's parent) and waits to be ended.
    writeFileSync(
      path.join(dir, "suite.cjs"),
      `const text = require("node:fs").readFileSync("api.ts", "utf8");\nif (text.includes("async")) { process.kill(Number(process.env.CORRAL_PID), "SIGINT"); setTimeout(() => process.exit(1), 60_000); }\n`,
    );
    const ran = await corralIn(dir, ["migrate", "api.ts", "--to", "async", "--write", "--allow-dirty", "--verify", 'CORRAL_PID=$PPID node suite.cjs']);
    expect(ran.code).toBe(130);
    expect(ran.stderr).toContain("SIGINT: every file is back as it was");
    expect(read()).toBe(SOURCE);
  });

  test("--verify without --write is a usage error", async () => {
    const ran = await corralIn(dir, ["migrate", "api.ts", "--to", "async", "--verify", "true"]);
    expect(ran.code).toBe(2);
    expect(ran.stderr).toContain("--verify runs your command on the written files: add --write");
  });
});

describe("the failure's first lines", () => {
  test("from the first line that names a failure", () => {
    expect(firstLines("setup\nok 1\nnot ok 2 - adds\n  expected 3\n", 2)).toBe("  not ok 2 - adds\n    expected 3");
  });
  test("a runner's FAIL section before its list of tests with failures marked", () => {
    const vitest = " ✓ a.test.ts > one\n × a.test.ts > two\n\n FAIL  a.test.ts > two\nUsageError: sleep: expected the cx\n";
    expect(firstLines(vitest, 2)).toBe("   FAIL  a.test.ts > two\n  UsageError: sleep: expected the cx");
  });
  test("else the end of the output", () => {
    expect(firstLines("a\nb\n\nc\n", 2)).toBe("  b\n  c");
  });
});
