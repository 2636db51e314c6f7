import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, expect, test } from "vitest";
import { migrate } from "../../codemods/engine/migrate.ts";

const dir = mkdtempSync(path.join(os.tmpdir(), "corral-verdict-cache-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

test("a cache entry written by one version of corral is not read by another", async () => {
  writeFileSync(path.join(dir, "load.js"), "export function load(api) {\n  return api.get().then((v) => v + 1);\n}\n");
  const run = (version: string) =>
    migrate({ targets: [path.join(dir, "load.js")], to: "async", cache: { location: path.join(dir, "cache"), name: "migrate-async", version } });
  expect((await run("1.0.0")).cache).toMatchObject({ reused: 0, decided: 1 });
  expect((await run("1.0.0")).cache).toMatchObject({ reused: 1, decided: 0 });
  const other = await run("1.0.1");
  expect(other.cache).toMatchObject({ reused: 0, decided: 1 });
  expect(other.results).toEqual((await run("1.0.1")).results);
});
