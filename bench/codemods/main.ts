/**
 * `npm run bench:codemods`: corral's codemods at codebase scale, against jscodeshift running an existing
 * promise-to-async codemod (@codemodsquad/asyncify) over the same files in the same run. On a generated legacy
 * project (2,000 files by default, `--files N`) and on real packages installed from npm (`--no-packages` to skip):
 * seconds, files per second, and the ratio (corral's throughput over jscodeshift's). Also checks that a run on one
 * thread and on every core give identical reports, measures what the type gate costs each stage, and how `--to scoped`
 * grows with the project (its time on the project over its time on a fifth of it) and compares with `--to async`.
 */
import { spawnSync } from "node:child_process";
import { cpSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { generateProject } from "./generate.ts";

const root = fileURLToPath(new URL("../../../", import.meta.url));
const corralBin = path.join(root, "dist/cli/main.js");
const jscodeshiftBin = path.join(root, "node_modules/jscodeshift/bin/jscodeshift.js");
const asyncify = path.join(root, "node_modules/@codemodsquad/asyncify/index.js");
const PACKAGES = ["async@3.2.6", "express@4.21.2", "bluebird@3.7.2", "fs-extra@8.1.0", "request@2.88.2", "glob@7.2.3"];

const args = process.argv.slice(2);
const files = Number(args[args.indexOf("--files") + 1] || 2000) || 2000;
const cores = os.availableParallelism();

interface Timing {
  seconds: number;
  stdout: string;
}

function timed(command: string, argv: string[], cwd: string): Timing {
  const started = performance.now();
  const run = spawnSync(process.execPath, [command, ...argv], { cwd, encoding: "utf8", maxBuffer: 1 << 30, env: { ...process.env, NO_COLOR: "1" } });
  const seconds = (performance.now() - started) / 1000;
  if (run.status !== 0 && run.status !== 1) throw new Error(`${path.basename(command)} ${argv.join(" ")} failed (${run.status}):\n${run.stderr.slice(0, 2000)}`);
  return { seconds, stdout: run.stdout };
}

function countJs(dir: string): number {
  let n = 0;
  for (const name of readdirSync(dir)) {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) n += countJs(full);
    else if (name.endsWith(".js")) n += 1;
  }
  return n;
}

const rows: string[] = [];
/** What the type gate costs each stage on the generated project. */
const gates: string[] = [];
function row(what: string, count: number, corral: Timing, peer: Timing | undefined, peerName = "jscodeshift+asyncify"): void {
  const rate = (t: Timing): string => `${(count / t.seconds).toFixed(0)} files/s (${t.seconds.toFixed(1)} s)`;
  rows.push(`| ${what} | ${count} | ${rate(corral)} | ${peer === undefined ? "" : `${rate(peer)} | ${(peer.seconds / corral.seconds).toFixed(2)}x`} |`);
  process.stderr.write(`${what}: corral ${corral.seconds.toFixed(1)} s${peer === undefined ? "" : `, ${peerName} ${peer.seconds.toFixed(1)} s`}\n`);
}

const work = mkdtempSync(path.join(os.tmpdir(), "corral-bench-codemods-"));
try {
  const project = path.join(work, "generated");
  generateProject(project, files);
  const peerCopy = path.join(work, "generated-peer");
  cpSync(project, peerCopy, { recursive: true });
  const jscodeshift = (dir: string, cpus: number): Timing =>
    timed(jscodeshiftBin, ["-t", asyncify, "--parser=babel", "--extensions=js", "--dry", "--silent", `--cpus=${cpus}`, "src"], dir);

  const one = timed(corralBin, ["migrate", "src", "--all", "--to", "async", "--json", "--jobs", "1"], project);
  const peerOne = jscodeshift(peerCopy, 1);
  row(`generated project, migrate --all --to async, 1 thread`, files, one, peerOne);
  // The type gate is work jscodeshift does not do: its cost, as the time without it over the time with it.
  const ungated = timed(corralBin, ["migrate", "src", "--all", "--to", "async", "--json", "--jobs", "1", "--no-type-check"], project);
  row(`generated project, the same without the type gate (--no-type-check)`, files, ungated, peerOne);
  gates.push(`--to async: ${(one.seconds / ungated.seconds).toFixed(2)}x the time without the gate`);
  const many = timed(corralBin, ["migrate", "src", "--all", "--to", "async", "--json", "--jobs", String(cores)], project);
  const peerMany = jscodeshift(peerCopy, cores);
  row(`generated project, migrate --all --to async, ${cores} threads`, files, many, peerMany);
  const identical = one.stdout === many.stdout;
  const scoped = timed(corralBin, ["migrate", "src", "--all", "--to", "scoped", "--json"], project);
  const scopedUngated = timed(corralBin, ["migrate", "src", "--all", "--to", "scoped", "--json", "--no-type-check"], project);
  row(`generated project, migrate --all --to scoped`, files, scoped, undefined);
  row(`generated project, the same without the type gate`, files, scopedUngated, undefined);
  gates.push(`--to scoped: ${(scoped.seconds / scopedUngated.seconds).toFixed(2)}x the time without the gate`);
  // --to scoped decides across the project: how its time grows with the project's size, and against --to async.
  const fifth = Math.max(1, Math.round(files / 5));
  const small = path.join(work, "generated-fifth");
  generateProject(small, fifth);
  const scopedSmall = timed(corralBin, ["migrate", "src", "--all", "--to", "scoped", "--json"], small);
  row(`generated project of ${fifth} files, migrate --all --to scoped`, fifth, scopedSmall, undefined);
  const scaling = `--to scoped takes ${(scoped.seconds / many.seconds).toFixed(2)}x the time of --to async (${cores} threads); time(${files} files) / time(${fifth}) = ${(scoped.seconds / scopedSmall.seconds).toFixed(2)}`;
  const scan = timed(corralBin, ["scan", "src", "--json"], project);
  row(`generated project, scan (both stages, call graph)`, files, scan, peerMany);

  if (!args.includes("--no-packages")) {
    const packages = path.join(work, "packages");
    writeFileSync(path.join(work, "package.json"), "{}");
    const install = spawnSync("npm", ["install", "--prefix", work, "--no-audit", "--no-fund", "--ignore-scripts", ...PACKAGES], { encoding: "utf8" });
    if (install.status !== 0) throw new Error(`npm install failed:\n${install.stderr}`);
    for (const spec of PACKAGES) {
      const name = spec.replace(/@[^@]+$/, "");
      const dir = path.join(work, "node_modules", name);
      const peerDir = path.join(packages, name);
      cpSync(dir, peerDir, { recursive: true });
      const count = countJs(dir);
      const mine = timed(corralBin, ["migrate", ".", "--all", "--to", "async", "--json"], dir);
      const theirs = timed(jscodeshiftBin, ["-t", asyncify, "--parser=babel", "--extensions=js", "--dry", "--silent", `--cpus=${cores}`, "."], peerDir);
      row(`${spec}, migrate --all --to async`, count, mine, theirs);
    }
  }
  process.stdout.write(
    `\n| run | files | corral | jscodeshift + asyncify | corral's speed-up |\n|---|---|---|---|---|\n${rows.join("\n")}\n\n` +
      `one thread and ${cores} threads give identical reports: ${identical ? "yes" : "NO"}\n` +
      `the type gate: ${gates.join("; ")}\n` +
      `${scaling}\n`,
  );
  if (!identical) process.exitCode = 1;
} finally {
  rmSync(work, { recursive: true, force: true });
}
