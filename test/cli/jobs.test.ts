import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { corralIn, type Ran } from "../support/cli.ts";
import { generateProject } from "../../bench/codemods/generate.ts";
import { PARALLEL_FROM } from "../../codemods/engine/file-stage.ts";


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
  });
});

describe("scan of a large tree", () => {
  test("on its worker thread, the same functions and verdicts as each half scanned in this thread", async () => {
    const large = mkdtempSync(path.join(os.tmpdir(), "corral-scan-large-"));
    try {
      generateProject(large, PARALLEL_FROM); // two folders of 100 modules; imports stay inside a folder
      const whole = await corral(large, "scan", "src", "--json");
      const halves = await Promise.all(["src/part0", "src/part1"].map((half) => corral(large, "scan", half, "--json")));
      expect(whole.code).toBe(0);
      const functions = (ran: Ran) => JSON.parse(ran.stdout).functions as { async: { outcome: string }; scoped: { outcome: string } }[];
      expect(functions(whole).length).toBe(PARALLEL_FROM * 6);
      expect(functions(whole).filter((f) => f.async.outcome === "changed").length).toBe(PARALLEL_FROM * 4);
      expect(functions(whole)).toEqual([...functions(halves[0]!), ...functions(halves[1]!)]);
    } finally {
      rmSync(large, { recursive: true, force: true });
    }
  });
});
