import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, expect, test } from "vitest";
import { migrate } from "../../codemods/engine/migrate.ts";
import { displayOf } from "../../codemods/engine/result.ts";

const dir = mkdtempSync(path.join(os.tmpdir(), "corral-refusal-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

test("a refusal found at a caller in another file names that file, not the function's", async () => {
  writeFileSync(path.join(dir, "tsconfig.json"), JSON.stringify({ compilerOptions: { strict: true, target: "es2022", module: "nodenext" } }));
  writeFileSync(path.join(dir, "repo.ts"), `export class Repo {\n  async load(id: string): Promise<string> {\n    return id;\n  }\n}\n`);
  writeFileSync(path.join(dir, "use.ts"), `import { Repo } from "./repo.js";\n\nexport function first(make: () => Repo): Promise<string> {\n  return make().load("a");\n}\n`);
  const report = await migrate({ targets: [path.join(dir, "repo.ts")], to: "scoped", tsconfig: path.join(dir, "tsconfig.json"), typeGate: false });
  const load = report.results.find((r) => r.function === "Repo.load")!;
  expect(load.reason?.code).toBe("method-receiver");
  expect(load.reason?.message).toContain(`(${displayOf(path.join(dir, "use.ts"))}:4:10: return make().load("a");)`);
});
