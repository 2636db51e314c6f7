/**
 * `npm run bench:yield`: what corral converts in real callback code (issue 15). Installs the packages of
 * `packages.ts` from npm into a scratch folder, takes each one's library code, and runs the built CLI over it as a
 * user would: `corral scan --json`, `corral migrate --all --to async --write --json`, then `--to scoped` on the
 * result. Prints per package the functions by style and, for each stage, what it changed, refused (by reason) and
 * left unchanged with and without a reason, over the err-first and Promise functions and over all.
 *
 * With `--repos DIR`, where `DIR/<name>` is the package's repository at the published version, its own tests run
 * on a copy of it with the published library files, then with the migrated ones after each stage; and where the
 * package declares a linter (`standard` or `eslint`), it runs on the files `--to async` changed, before and after,
 * and the new errors are printed (lint-parity.ts).
 *
 * Options: `--dir DIR` (the scratch folder, kept; default a fresh one under the system's temporary folder, removed),
 * `--repos DIR`, `--only name,name`, `--suite-timeout SECONDS` (per suite run, default 600), `--json`.
 * Progress goes to stderr. Needs the network (npm): not part of CI.
 */
import { spawnSync } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { freshCheckout, prepareCheckout } from "./checkout.ts";
import { copyFiles, libraryFiles } from "./library-files.ts";
import { lintParity } from "./lint-parity.ts";
import { syncButWaiting } from "./looks-waiting.ts";
import { PACKAGES, type BenchPackage } from "./packages.ts";
import { renderReport, yieldReport, describeRun, type PackageReport, type SuiteReport } from "./report.ts";
import { runSuite, type SuiteRun } from "./run-suite.ts";
import { countStyles, tallyStage, type MigrateEntry, type ScanEntry } from "./tally.ts";

const root = fileURLToPath(new URL("../../../", import.meta.url));
const corralBin = path.join(root, "dist/cli/main.js");

const { values } = parseArgs({
  options: {
    dir: { type: "string" },
    repos: { type: "string" },
    only: { type: "string" },
    "suite-timeout": { type: "string", default: "600" },
    json: { type: "boolean", default: false },
  },
});
const only = values.only?.split(",");
const unknown = only?.filter((name) => !PACKAGES.some((p) => p.name === name)) ?? [];
if (unknown.length > 0) {
  process.stderr.write(`bench:yield: --only ${unknown.join(",")}: not in bench/yield/packages.ts (add a line there to measure it)\n`);
  process.exit(2);
}
const packages = PACKAGES.filter((p) => only === undefined || only.includes(p.name));
const suiteTimeout = Number(values["suite-timeout"]);
if (!(suiteTimeout > 0)) {
  process.stderr.write(`bench:yield: --suite-timeout ${values["suite-timeout"]}: expected a number of seconds > 0\n`);
  process.exit(2);
}
const work = values.dir === undefined ? mkdtempSync(path.join(os.tmpdir(), "corral-bench-yield-")) : path.resolve(values.dir);
mkdirSync(work, { recursive: true });

function progress(message: string): void {
  process.stderr.write(`bench:yield: ${message}\n`);
}

/** The built CLI in `dir`, as a user runs it; its `--json` output. */
function corral(dir: string, argv: string[]): unknown {
  const run = spawnSync(process.execPath, [corralBin, ...argv], { cwd: dir, encoding: "utf8", maxBuffer: 1 << 30, env: { ...process.env, NO_COLOR: "1" } });
  const failed = (why: string): Error => new Error(`corral ${argv.join(" ")} in ${dir} ${why}:\n${run.stderr.slice(0, 2000)}`);
  if (run.status !== 0 && run.status !== 1) throw failed(`exited ${run.status ?? run.signal}`);
  try {
    return JSON.parse(run.stdout);
  } catch {
    throw failed(`printed no JSON (exit ${run.status})`);
  }
}

/** `corral migrate --all --to <stage> --json .` in `dir`, written or a dry run (a rerun must change nothing). */
function migrate(dir: string, to: "async" | "scoped", write: boolean): MigrateEntry[] {
  return (corral(dir, ["migrate", "--all", "--to", to, ...(write ? ["--write"] : []), "--json", "."]) as { results: MigrateEntry[] }).results;
}

function install(): string {
  const into = path.join(work, "install");
  mkdirSync(into, { recursive: true });
  writeFileSync(path.join(into, "package.json"), "{}");
  const specs = packages.map((p) => `${p.name}@${p.version}`);
  progress(`npm install ${specs.join(" ")}`);
  const run = spawnSync("npm", ["install", "--no-audit", "--no-fund", "--no-package-lock", "--ignore-scripts", "--loglevel=error", ...specs], { cwd: into, encoding: "utf8" });
  if (run.status !== 0) throw new Error(`npm install failed:\n${run.stderr}`);
  return path.join(into, "node_modules");
}

async function measure(pkg: BenchPackage, installed: string): Promise<PackageReport> {
  const published = path.join(installed, pkg.name);
  const files = libraryFiles(published);
  const stageDir = (stage: string): string => path.join(work, stage, pkg.name);
  for (const stage of ["pristine", "async", "scoped"]) rmSync(stageDir(stage), { recursive: true, force: true });
  copyFiles(files, published, stageDir("pristine"));
  copyFiles(files, published, stageDir("async"));
  progress(`${pkg.name}: scan, migrate --to async (${files.length} files)`);
  const before = (corral(stageDir("async"), ["scan", "--json", "."]) as { functions: ScanEntry[] }).functions;
  const toAsync = migrate(stageDir("async"), "async", true);
  const asyncAgain = migrate(stageDir("async"), "async", false).filter((r) => r.outcome === "changed").length;
  cpSync(stageDir("async"), stageDir("scoped"), { recursive: true });
  progress(`${pkg.name}: scan, migrate --to scoped`);
  const between = (corral(stageDir("scoped"), ["scan", "--json", "."]) as { functions: ScanEntry[] }).functions;
  const toScoped = migrate(stageDir("scoped"), "scoped", true);
  const scopedAgain = migrate(stageDir("scoped"), "scoped", false).filter((r) => r.outcome === "changed").length;
  const suite = values.repos === undefined ? { missing: "no --repos given" } : await suites(pkg, published, files, stageDir);
  return {
    name: pkg.name,
    version: pkg.version,
    files: files.filter((f) => f !== "package.json").length,
    styles: countStyles(before),
    syncButWaiting: syncButWaiting(stageDir("pristine"), before).map((f) => `${f.file}:${f.line}:${f.function}`),
    async: tallyStage(before, toAsync),
    scoped: tallyStage(between, toScoped),
    rerunChanges: { async: asyncAgain, scoped: scopedAgain },
    suite,
  };
}

/** The package's own tests on its checkout: with the published library, then with each stage's output. */
async function suites(pkg: BenchPackage, published: string, files: readonly string[], stageDir: (stage: string) => string): Promise<SuiteReport> {
  progress(`${pkg.name}: preparing its checkout (npm install)`);
  const checkout = prepareCheckout(pkg, path.resolve(values.repos!), published, files, path.join(work, "suites", `${pkg.name}-installed`), root);
  if ("missing" in checkout) {
    progress(`${pkg.name}: no suite: ${checkout.missing}`);
    return checkout;
  }
  const command = pkg.test ?? "npm test";
  mkdirSync(path.join(work, "logs"), { recursive: true });
  const run = async (stage: string): Promise<SuiteRun> => {
    const dir = path.join(work, "suites", `${pkg.name}-${stage}`);
    const copied = freshCheckout(pkg, checkout, files, stageDir(stage), dir);
    if (copied !== undefined) throw new Error(copied);
    progress(`${pkg.name}: ${command} on the ${stage} library`);
    const result = await runSuite(dir, command, suiteTimeout, path.join(work, "logs", `${pkg.name}-${stage}.log`));
    progress(`${pkg.name}: ${describeRun(result, stage === "pristine")}`);
    return result;
  };
  const before = await run("pristine");
  const afterAsync = await run("async");
  // The package's own linter on the files --to async wrote, in the two checkouts just tested.
  const changed = files.filter((f) => f !== "package.json" && !readFileSync(path.join(stageDir("pristine"), f)).equals(readFileSync(path.join(stageDir("async"), f))));
  const suiteDir = (stage: string): string => path.join(work, "suites", `${pkg.name}-${stage}`, pkg.library ?? ".");
  const lint = changed.length === 0 ? { missing: "no file changed" } : lintParity(checkout.installed, suiteDir("pristine"), suiteDir("async"), changed);
  progress(`${pkg.name}: ${"missing" in lint ? `lint: ${lint.missing}` : `new lint errors: ${lint.newErrors} (${lint.linter}: ${lint.before} before, ${lint.after} after)`}`);
  const afterScoped = await run("scoped");
  return { checkout: checkout.note, before, afterAsync, afterScoped, lint };
}

try {
  const installed = install();
  const measured: PackageReport[] = [];
  for (const pkg of packages) {
    measured.push(
      await measure(pkg, installed).catch((error: unknown): PackageReport => {
        const failure = error instanceof Error ? error.message : String(error);
        progress(`${pkg.name}: not measured: ${failure}`);
        const nothing = tallyStage([], []);
        const rerunChanges = { async: 0, scoped: 0 };
        return { name: pkg.name, version: pkg.version, files: 0, styles: {}, syncButWaiting: [], async: nothing, scoped: nothing, rerunChanges, suite: { missing: "not measured" }, failure };
      }),
    );
  }
  const report = yieldReport(measured);
  process.stdout.write(values.json ? `${JSON.stringify(report, null, 2)}\n` : renderReport(report));
} finally {
  if (values.dir === undefined) rmSync(work, { recursive: true, force: true });
  else progress(`the packages, each stage's output and the suites' logs are in ${work}`);
}
