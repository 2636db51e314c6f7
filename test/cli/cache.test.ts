import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { corralIn, type Ran } from "../support/cli.ts";

function corral(cwd: string, ...args: string[]): Promise<Ran> {
  return corralIn(cwd, args);
}

const chain = (name: string, body = "api.get(id).then((v) => v.trim())") => `export function ${name}(api, id) {\n  return ${body};\n}\n`;

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), "corral-cache-"));
  // a.js imports b.js; c.js and d.js stand alone.
  writeFileSync(path.join(dir, "a.js"), `import { b } from "./b.js";\n\n${chain("a", "api.get(id).then((v) => b(api, v))")}`);
  writeFileSync(path.join(dir, "b.js"), chain("b"));
  writeFileSync(path.join(dir, "c.js"), chain("c"));
  writeFileSync(path.join(dir, "d.js"), chain("d"));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface Report {
  cache?: { file: string; reused: number; decided: number };
}

/** The --json report of a run, its cache statistics apart. */
async function run(...args: string[]): Promise<{ report: Report; rest: string; stderr: string }> {
  const ran = await corral(dir, ...args, "--json");
  expect(ran.code).toBe(0);
  const report = JSON.parse(ran.stdout) as Report;
  const { cache: _, ...rest } = report;
  return { report, rest: JSON.stringify(rest), stderr: ran.stderr };
}

describe.each([
  ["migrate --to async", ["migrate", ".", "--all", "--to", "async"], "migrate-async.json"],
  ["scan", ["scan", "."], "scan.json"],
])("%s --cache", (_, command, name) => {
  const cached = (...more: string[]) => run(...command, "--cache", ...more);

  test("an unchanged rerun reuses every file, with the output of a run without the cache; the cache file is in the report", async () => {
    const plain = await run(...command);
    const cold = await cached();
    expect(cold.report.cache).toEqual({ file: path.join("node_modules", ".cache", "corral", name), reused: 0, decided: 4 });
    expect(cold.stderr).toContain(`wrote ${path.join("node_modules", ".cache", "corral", name)}`);
    const warm = await cached();
    expect(warm.report.cache).toMatchObject({ reused: 4, decided: 0 });
    expect(warm.rest).toBe(plain.rest);
    expect(cold.rest).toBe(plain.rest);
  });

  test("a changed file is decided again; a change to a file it imports too, with the result of a run without the cache", async () => {
    await cached();
    writeFileSync(path.join(dir, "c.js"), chain("c", "api.get(id).then((v) => v.toUpperCase())"));
    expect((await cached()).report.cache).toMatchObject({ reused: 3, decided: 1 });
    // b's exported shape changes: a (which imports it) is decided again with it; c and d are reused.
    writeFileSync(path.join(dir, "b.js"), "export function b(api, id, callback) {\n  api.get(id).then((v) => callback(null, v), callback);\n}\n");
    const after = await cached();
    expect(after.report.cache).toMatchObject({ reused: 2, decided: 2 });
    expect(after.rest).toBe((await run(...command)).rest);
    writeFileSync(path.join(dir, "b.js"), chain("b"));
    writeFileSync(path.join(dir, "c.js"), chain("c"));
  });

  test("other options, another --cache-location and the tsconfig decide every file again", async () => {
    await cached();
    const location = mkdtempSync(path.join(os.tmpdir(), "corral-cache-location-"));
    try {
      // --cache-location: a cache of its own, named in the report.
      const elsewhere = await cached("--cache-location", location);
      expect(elsewhere.report.cache).toMatchObject({ file: path.relative(dir, path.join(location, name)), reused: 0, decided: 4 });
      const file = path.join(location, name);
      const entries = JSON.parse(readFileSync(file, "utf8")) as Record<string, unknown>;
      expect(Object.keys(entries).length).toBeGreaterThan(0);
    } finally {
      rmSync(location, { recursive: true, force: true });
    }
    if (command[0] === "migrate") {
      expect((await cached("--strict")).report.cache).toMatchObject({ reused: 0, decided: 4 });
      expect((await cached("--no-type-check")).report.cache).toMatchObject({ reused: 0, decided: 4 });
    }
    writeFileSync(path.join(dir, "tsconfig.json"), JSON.stringify({ compilerOptions: { allowJs: true, checkJs: false, strict: true } }));
    try {
      expect((await cached()).report.cache).toMatchObject({ reused: 0, decided: 4 });
    } finally {
      rmSync(path.join(dir, "tsconfig.json"));
    }
  });
});
