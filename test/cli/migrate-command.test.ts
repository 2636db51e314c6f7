import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, test } from "vitest";
import { corralIn, type Ran } from "../support/cli.ts";


function corral(cwd: string, ...args: string[]): Promise<Ran> {
  return corralIn(cwd, args);
}

const SOURCE = `export function load(api: { get(id: string): Promise<string> }, id: string) {
  return api.get(id).then((value) => value.trim());
}

export function leaky(api: { get(id: string): Promise<string> }) {
  api.get("x").then(() => {});
}
`;

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), "corral-cli-"));
  writeFileSync(path.join(dir, "api.ts"), SOURCE);
  writeFileSync(path.join(dir, "broken.ts"), "export function (\n");
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe("corral migrate --to async", () => {
  test("a dry run prints a diff, a note per rewrite and the refusals, and writes nothing", async () => {
    const { code, stdout } = await corral(dir, "migrate", "api.ts", "--to", "async");
    expect(code).toBe(0);
    expect(stdout).toContain("+export async function load(");
    expect(stdout).toContain("+  const value = await api.get(id);");
    expect(stdout).toMatch(/note: load \(api\.ts:1\): became async/);
    // A chain it starts and does not return stays as it is: with nothing else to rewrite, leaky is unchanged.
    expect(stdout).toMatch(/1 changed, 1 unchanged, 0 refused, 0 errors/);
    expect(readFileSync(path.join(dir, "api.ts"), "utf8")).toBe(SOURCE);
  });

  test("--write writes the file; --json reports every function", async () => {
    const { code, stdout } = await corral(dir, "migrate", "api.ts:load", "--to", "async", "--write", "--json");
    expect(code).toBe(0);
    const { results } = JSON.parse(stdout) as { results: { function: string; outcome: string; notes: string[] }[] };
    expect(results).toEqual([
      { file: "api.ts", function: "load", line: 1, outcome: "changed", reason: null, notes: [expect.stringMatching(/became async/)] },
    ]);
    expect(readFileSync(path.join(dir, "api.ts"), "utf8")).toMatch(/^export async function load/);
    const again = await corral(dir, "migrate", "api.ts", "--to", "async", "--json");
    expect(JSON.parse(again.stdout).results.map((r: { outcome: string }) => r.outcome)).toEqual(["unchanged", "unchanged"]);
  });

  test("a file that does not parse is reported with file:line:col, left untouched, and the run goes on (exit 1)", async () => {
    const { code, stdout } = await corral(dir, "migrate", ".", "--to", "async", "--json");
    expect(code).toBe(1);
    const { results } = JSON.parse(stdout) as { results: { file: string; outcome: string; reason?: { code: string; message: string } }[] };
    const broken = results.find((r) => r.file === "broken.ts")!;
    expect(broken.outcome).toBe("error");
    expect(broken.reason!.message).toMatch(/^broken\.ts:1:\d+: /);
    expect(results.some((r) => r.file === "api.ts" && r.outcome === "changed")).toBe(true);
    expect(readFileSync(path.join(dir, "broken.ts"), "utf8")).toBe("export function (\n");
  });

  test("a function name that is not in the file is an error naming it", async () => {
    const { code, stdout } = await corral(dir, "migrate", "api.ts:nothing", "--to", "async");
    expect(code).toBe(1);
    expect(stdout).toMatch(/error: nothing .*\[no-such-function\] api\.ts:nothing: no function is named nothing/);
  });

  test("prettier formats only the rewritten code, with the project's own config; the rest stays byte-identical", async () => {
    writeFileSync(path.join(dir, ".prettierrc"), JSON.stringify({ singleQuote: true, semi: false }));
    const untouched = `export const   kept = "double quoted, oddly spaced";\n`;
    writeFileSync(path.join(dir, "styled.ts"), `${untouched}\nexport function load(api: { get(id: string): Promise<string> }) {\n  return api.get("x").then((value) => value + "!");\n}\n`);
    const { code } = await corral(dir, "migrate", "styled.ts:load", "--to", "async", "--write");
    expect(code).toBe(0);
    const text = readFileSync(path.join(dir, "styled.ts"), "utf8");
    expect(text.startsWith(untouched)).toBe(true);
    expect(text).toContain("const value = await api.get('x')\n");
    expect(text).toContain("return value + '!'\n");
  });
});
