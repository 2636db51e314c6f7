import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { corralIn, type Ran } from "../support/cli.ts";
import { generateProject } from "../../bench/codemods/generate.ts";


function corral(cwd: string, ...args: string[]): Promise<Ran> {
  return corralIn(cwd, args);
}

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), "corral-jobs-"));
  generateProject(dir, 120);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("--to async over worker threads", () => {
  test("one thread and three give the same report, in the same order", async () => {
    const one = await corral(dir, "migrate", "src", "--all", "--to", "async", "--json", "--jobs", "1");
    const three = await corral(dir, "migrate", "src", "--all", "--to", "async", "--json", "--jobs", "3");
    expect(one.code).toBe(0);
    expect(three.code).toBe(0);
    const results = JSON.parse(one.stdout).results as { outcome: string }[];
    expect(results.filter((r) => r.outcome === "changed").length).toBe(120 * 4);
    expect(three.stdout).toBe(one.stdout);
    expect((await corral(dir, "migrate", "src", "--to", "async", "--jobs", "0")).code).toBe(2);
  }, 120_000);
});
