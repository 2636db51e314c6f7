/**
 * `npm run demo`: corral's main job on a sample legacy project (fixtures/projects/orders-service), trio-asyncio's way:
 * one stage at a time, with the project's own tests (and its type check) after every stage. It copies the project to
 * a temporary folder, runs `corral scan`, then:
 *   1. `corral migrate src --to async`: callbacks and Promise chains become async/await;
 *   2. `corral migrate src/main.ts --entry`: the program's main runs inside `run()`;
 *   3. `corral migrate src --to scoped --callers`: async functions take `cx`, timeouts and fan-outs become corral's, legacy
 *      awaits become checkpoints, and callers across the project (its tests too) are bridged;
 * then runs `corral check` on the scoped code, adds a test that cancels the whole run and shows nothing is left running, and shows that a rerun changes
 * nothing. Then a short tour of the runtime.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { copyFileSync, cpSync, mkdirSync, mkdtempSync, rmSync, symlinkSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { runtimeTour } from "./runtime-tour.ts";

const root = fileURLToPath(new URL("../../", import.meta.url));
const bin = path.join(root, "dist/cli/main.js");
const vitest = path.join(root, "node_modules/vitest/vitest.mjs");
const tsc = path.join(root, "node_modules/typescript/bin/tsc");

function heading(text: string): void {
  process.stdout.write(`\n== ${text}\n`);
}

/** Run the project's own tests and its type check; returns the tests' summary line, or throws if either fails. */
function check(dir: string): string {
  const tests = spawnSync(process.execPath, [vitest, "run", "--root", dir], { encoding: "utf8", env: { ...process.env, NO_COLOR: "1" } });
  const summary = /Tests\s+.*$/m.exec(tests.stdout)?.[0] ?? "no summary";
  if (tests.status !== 0) throw new Error(`the project's tests failed:\n${tests.stdout}\n${tests.stderr}`);
  const types = spawnSync(process.execPath, [tsc, "--noEmit", "-p", dir], { encoding: "utf8" });
  if (types.status !== 0) throw new Error(`the project no longer type-checks:\n${types.stdout}${types.stderr}`);
  return `${summary.trim()}; tsc --noEmit: no errors`;
}

function corral(dir: string, ...args: string[]): string {
  return execFileSync(process.execPath, [bin, ...args], { cwd: dir, encoding: "utf8" });
}

/** A stage: the dry run (diff, notes, refusals), then `--write` and the project's checks. */
function stage(dir: string, title: string, args: string[]): void {
  heading(`corral migrate ${args.join(" ")}: ${title} (a dry run: the diff, a note per rewrite, the refusals)`);
  process.stdout.write(corral(dir, "migrate", ...args));
  heading(`corral migrate ${args.join(" ")} --write`);
  process.stdout.write(`${corral(dir, "migrate", ...args, "--write").split("\n").filter((l) => /^wrote|changed,/.test(l)).join("\n")}\n`);
  process.stdout.write(`its tests after this stage: ${check(dir)}\n`);
}

const work = mkdtempSync(path.join(os.tmpdir(), "corral-demo-"));
try {
  const project = path.join(work, "orders-service");
  cpSync(path.join(root, "fixtures/projects/orders-service"), project, { recursive: true });
  // The project's tools come from corral's own install; `corral` itself resolves from the folder above it.
  symlinkSync(path.join(root, "node_modules"), path.join(project, "node_modules"), "dir");
  mkdirSync(path.join(work, "node_modules"));
  symlinkSync(root, path.join(work, "node_modules/corral"), "dir");
  heading(`a copy of fixtures/projects/orders-service in ${project}`);
  process.stdout.write(`its tests before: ${check(project)}\n`);

  heading("corral scan src (each function's style, what each stage would do, a suggested order)");
  process.stdout.write(corral(project, "scan", "src"));

  stage(project, "stage 1, callbacks and Promise chains to async/await", ["src", "--to", "async"]);
  stage(project, "stage 2, the program's main inside run()", ["src/main.ts", "--entry"]);
  stage(project, "stage 3, async functions to scoped ones, callers bridged", ["src", "--to", "scoped", "--callers"]);

  heading("corral check src (hazards left in scoped code: swallowed Cancelled, unbridged awaits, floating promises)");
  process.stdout.write(corral(project, "check", "src"));

  heading("a test that cancels the whole run (added now that placeOrder is scoped)");
  copyFileSync(path.join(root, "fixtures/projects/orders-service-after-scoped/cancel.test.ts"), path.join(project, "test/cancel.test.ts"));
  process.stdout.write(`its tests with it: ${check(project)}\n`);

  heading("a second run of each stage changes nothing (the output is a fixed point)");
  for (const args of [["src", "--to", "async"], ["src/main.ts", "--entry"], ["src", "--to", "scoped", "--callers"]]) {
    process.stdout.write(`corral migrate ${args.join(" ")}: ${corral(project, "migrate", ...args).split("\n").at(-2)}\n`);
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}

heading("the runtime, once code runs in corral");
await runtimeTour();
