import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, beforeEach, expect, test } from "vitest";
import { corralIn } from "../support/cli.ts";

/**
 * `--to scoped` finds a function's callers in other files through every ES module form (fixtures/projects/
 * cross-file-references/README.md): each is rewritten, natively or bridged, and the notes name them in file order.
 */
const root = fileURLToPath(new URL("../../", import.meta.url));
const golden = path.join(root, "fixtures/projects/cross-file-references");

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), "corral-scoped-references-"));
  cpSync(path.join(golden, "input"), dir, { recursive: true });
  mkdirSync(path.join(dir, "node_modules"));
  symlinkSync(root, path.join(dir, "node_modules/corral"), "dir");
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

test("callers through renamed, default and namespace imports, a barrel's re-exports and values are all rewritten", async () => {
  const { code, stdout, stderr } = await corralIn(dir, ["migrate", "src", "--all", "--to", "scoped", "--write", "--json"]);
  expect(code, stderr).toBe(0);
  for (const name of readdirSync(path.join(golden, "output/src"))) {
    expect(readFileSync(path.join(dir, "src", name), "utf8"), name).toBe(readFileSync(path.join(golden, "output/src", name), "utf8"));
  }
  const report = JSON.parse(stdout) as { results: { file: string; function: string; outcome: string; reason: { code: string } | null; notes: string[] }[]; files: string[] };
  expect(report.results.map((r) => [r.file, r.function, r.outcome, r.reason?.code ?? null])).toEqual([
    ["src/barrel.ts", "legacyBarrel", "refused", "chain-over-scoped"],
    ["src/barrel.ts", "asyncBarrel", "changed", null],
    ["src/defaulted.ts", "legacyDefault", "changed", null],
    ["src/defaulted.ts", "asyncDefault", "changed", null],
    ["src/namespaced.ts", "legacyNamespace", "changed", null],
    ["src/namespaced.ts", "asyncNamespace", "changed", null],
    ["src/renamed.ts", "legacyRenamed", "changed", null],
    ["src/renamed.ts", "asyncRenamed", "changed", null],
    ["src/store.ts", "load", "changed", null],
    ["src/store.ts", "save", "changed", null],
    ["src/store.ts", "remove", "changed", null],
    ["src/values.ts", "legacyValues", "changed", null],
  ]);
  const bridged = (fn: string) => report.results.find((r) => r.function === fn)!.notes.filter((n) => n.startsWith("legacy callers"));
  expect(bridged("load")).toEqual([expect.stringContaining("toPromise(load) (src/barrel.ts:4, src/values.ts:3)")]);
  expect(bridged("remove")).toEqual([expect.stringContaining("toPromise(remove) (src/barrel.ts:4, src/values.ts:3)")]);
  expect(bridged("save")).toEqual([]);
  expect([...report.files].sort()).toEqual(["src/barrel.ts", "src/defaulted.ts", "src/namespaced.ts", "src/renamed.ts", "src/store.ts", "src/values.ts"]);
});
