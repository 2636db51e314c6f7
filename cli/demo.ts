/**
 * `npm run demo`: corral's main job on a sample legacy project (fixtures/projects/orders-service). It copies the
 * project to a temporary folder, runs its tests, migrates it with `corral migrate --to async` (the diff, then
 * `--write`), runs its tests again, and shows that a second run changes nothing. Then a short tour of the runtime.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { cpSync, mkdtempSync, rmSync, symlinkSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { runtimeTour } from "./runtime-tour.ts";

const root = fileURLToPath(new URL("../../", import.meta.url));
const bin = path.join(root, "dist/cli/main.js");
const vitest = path.join(root, "node_modules/vitest/vitest.mjs");

function heading(text: string): void {
  process.stdout.write(`\n== ${text}\n`);
}

/** Run the project's own tests; returns their summary line, or throws if they fail. */
function projectTests(dir: string): string {
  const result = spawnSync(process.execPath, [vitest, "run", "--root", dir], { encoding: "utf8", env: { ...process.env, NO_COLOR: "1" } });
  const summary = /Tests\s+.*$/m.exec(result.stdout)?.[0] ?? "no summary";
  if (result.status !== 0) throw new Error(`the project's tests failed:\n${result.stdout}\n${result.stderr}`);
  return summary.trim();
}

function corral(dir: string, ...args: string[]): string {
  return execFileSync(process.execPath, [bin, ...args], { cwd: dir, encoding: "utf8" });
}

const work = mkdtempSync(path.join(os.tmpdir(), "corral-demo-"));
try {
  const project = path.join(work, "orders-service");
  cpSync(path.join(root, "fixtures/projects/orders-service"), project, { recursive: true });
  symlinkSync(path.join(root, "node_modules"), path.join(project, "node_modules"), "dir");
  heading(`a copy of fixtures/projects/orders-service in ${project}`);
  process.stdout.write(`its tests before: ${projectTests(project)}\n`);

  heading("corral migrate src --to async (a dry run: the diff, a note per rewrite, the refusals with their reasons)");
  process.stdout.write(corral(project, "migrate", "src", "--to", "async"));

  heading("corral migrate src --to async --write");
  process.stdout.write(corral(project, "migrate", "src", "--to", "async", "--write").split("\n").filter((l) => /^wrote|changed,/.test(l)).join("\n") + "\n");
  process.stdout.write(`its tests after: ${projectTests(project)}\n`);

  heading("a second run changes nothing (the output is a fixed point)");
  process.stdout.write(corral(project, "migrate", "src", "--to", "async").split("\n").at(-2) + "\n");
} finally {
  rmSync(work, { recursive: true, force: true });
}

heading("the runtime, once code runs in corral");
await runtimeTour();
