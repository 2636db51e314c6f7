import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, expect, test, vi } from "vitest";
import { inventory } from "../../codemods/engine/inventory.ts";

// Stage 1 fails on one file as a bug of ours would (the planner throwing outside any one function's check).
vi.mock("../../codemods/engine/migrate-file.ts", async (original) => {
  const real = await original<typeof import("../../codemods/engine/migrate-file.ts")>();
  return {
    ...real,
    migrateFile: (...args: Parameters<typeof real.migrateFile>) =>
      args[0].getBaseName() === "broken.js" ? Promise.reject(new Error("a bug of ours")) : real.migrateFile(...args),
  };
});

const dir = mkdtempSync(path.join(os.tmpdir(), "corral-inventory-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

test("a file stage 1 fails on is reported with the errors; the scan goes on, the other files keep their verdicts", async () => {
  const chain = (name: string) => `export function ${name}(api) {\n  return api.get().then((v) => v + 1);\n}\n`;
  writeFileSync(path.join(dir, "broken.js"), chain("broken"));
  writeFileSync(path.join(dir, "fine.js"), chain("fine"));
  const found = await inventory([dir]);
  const broken = path.relative(process.cwd(), path.join(dir, "broken.js"));
  expect(found.files.flatMap((f) => f.errors)).toEqual([{ file: broken, message: `${broken}: a bug of ours; the file was left untouched` }]);
  const byName = Object.fromEntries(found.files.flatMap((f) => f.functions).map((f) => [f.function, f]));
  expect(byName.fine).toMatchObject({ style: "chain", async: { outcome: "changed" } });
  expect(byName.broken).toMatchObject({ style: "chain", async: { outcome: "unchanged" } });
});
