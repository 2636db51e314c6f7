import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, test } from "vitest";
import { corralIn, type Ran } from "../support/cli.ts";


function corral(cwd: string, ...args: string[]): Promise<Ran> {
  return corralIn(cwd, args);
}

const SOURCE = `export interface Api {
  get(id: string): Promise<string>;
}

export function load(api: Api, id: string) {
  return api.get(id).then((value) => value.trim());
}

export async function both(api: Api): Promise<string[]> {
  return Promise.all([load(api, "a"), load(api, "b")]);
}

export function leaky(api: Api) {
  api.get("x").then(() => {});
}

async function main(): Promise<void> {}

main();
`;

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), "corral-scan-"));
  writeFileSync(path.join(dir, "api.ts"), SOURCE);
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe("corral scan", () => {
  test("--json: each function's style, both stages' verdicts, its calls, and the order", async () => {
    const { code, stdout } = await corral(dir, "scan", ".", "--json");
    expect(code).toBe(0);
    const report = JSON.parse(stdout);
    const byName = Object.fromEntries(report.functions.map((f: { function: string }) => [f.function, f]));
    expect(byName.load).toMatchObject({ style: "chain", async: { outcome: "changed" }, scoped: { outcome: "changed" } });
    expect(byName.both).toMatchObject({ style: "async", async: { outcome: "unchanged" }, scoped: { outcome: "changed" }, calls: ["api.ts:load"] });
    expect(byName.leaky).toMatchObject({ style: "chain", async: { outcome: "unchanged" } });
    expect(report.order).toEqual([
      "corral migrate api.ts --entry",
      "corral migrate api.ts --to async",
      // leaves first: both calls load, so it comes once load had its turn
      "corral migrate api.ts:load --to scoped",
      "corral migrate api.ts:main --to scoped",
      "corral migrate api.ts:both --to scoped",
    ]);
  });

  test("the order counts a call made in a callback: a function comes after what its .then handler calls", async () => {
    mkdirSync(path.join(dir, "nested"));
    writeFileSync(
      path.join(dir, "nested", "x.ts"),
      `export interface Api {
  get(id: string): Promise<string>;
}

export function a(api: Api) {
  return api.get("a").then(() => b(api));
}

export function b(api: Api) {
  return api.get("b").then((v) => v.trim());
}
`,
    );
    const { code, stdout } = await corral(path.join(dir, "nested"), "scan", ".", "--json");
    expect(code).toBe(0);
    const report = JSON.parse(stdout);
    expect(report.functions.find((f: { function: string }) => f.function === "a").calls).toEqual(["x.ts:b"]);
    expect(report.order).toEqual(["corral migrate x.ts --to async", "corral migrate x.ts:b --to scoped", "corral migrate x.ts:a --to scoped"]);
  });

  test("the text report ends with the suggested order; a missing path is a usage error", async () => {
    const { code, stdout } = await corral(dir, "scan");
    expect(code).toBe(0);
    expect(stdout).toMatch(/Suggested order:\n {2}1\. corral migrate api\.ts --entry/);
    expect((await corral(dir, "scan", "nope")).code).toBe(2);
  });
});
