import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, test, vi } from "vitest";
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

describe("calls made in a nested function scan does not report are the enclosing function's", () => {
  const callsIn = async (folder: string, files: Record<string, string>): Promise<Record<string, string[]>> => {
    const root = path.join(dir, folder);
    mkdirSync(root);
    for (const [name, text] of Object.entries(files)) writeFileSync(path.join(root, name), text);
    const found = await inventory([root], undefined, undefined, { stageTwo: false });
    return Object.fromEntries(found.files.flatMap((f) => f.functions).map((f) => [f.function, f.calls]));
  };
  const at = (folder: string, file: string): string => `${path.relative(process.cwd(), path.join(dir, folder, file))}:`;

  test.each([
    ["ts", "x.ts"],
    ["js", "x.js"],
  ])("an arrow given to .map, a .then handler, an err-first callback (%s)", async (folder, file) => {
    const types = file.endsWith(".ts");
    const t = (annotation: string): string => (types ? annotation : "");
    const calls = await callsIn(folder, {
      [file]: `import fs from "node:fs";
export function b()${t(": number")} { return 1; }
export function a()${t(": number[]")} { return [1].map(() => b()); }
export function c()${t(": number")} { return b(); }
export function later(p${t(": Promise<number>")}) { return p.then(function (v) { return v + b(); }); }
export function stat(p${t(": string")}, next${t(": () => void")}) { fs.stat(p, (err) => { if (err) return; next(); b(); }); }
`,
    });
    const b = `${at(folder, file)}b`;
    expect(calls).toMatchObject({ a: [b], c: [b], later: [b], stat: [b], b: [] });
  });

  test("a nested function scan reports on its own keeps its calls", async () => {
    const calls = await callsIn("named", {
      "y.ts": `export function b(): number { return 1; }
export function d(): number {
  const inner = (): number => b();
  function helper(): number { return b(); }
  return [inner, helper].length;
}
`,
    });
    expect(calls).toMatchObject({ d: [], inner: [`${at("named", "y.ts")}b`], helper: [`${at("named", "y.ts")}b`] });
  });
});
