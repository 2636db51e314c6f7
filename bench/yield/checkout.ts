/**
 * A package's repository at the published version, as the user checked it out under `--repos DIR/<name>`: the
 * benchmark works on a copy (the user's checkout stays as it was), installs its devDependencies with npm, and lays
 * library files over it (the published ones before the migration, the migrated ones after) before each suite run.
 */
import { spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync } from "node:fs";
import path from "node:path";
import { copyFiles } from "./library-files.ts";
import type { BenchPackage } from "./packages.ts";

/** A copy of the checkout, ready to run its tests; or why there is none. */
export type Checkout = { dir: string; note: string } | { missing: string };

/**
 * Find `repos/<name>`, check it is the published version (its package.json says so, or every library file is
 * byte-identical to the published one: a release made without a tag), copy it to `into` and install it.
 */
export function prepareCheckout(pkg: BenchPackage, repos: string, published: string, files: readonly string[], into: string, corralRoot: string): Checkout {
  const source = path.join(repos, pkg.name);
  if (!existsSync(path.join(source, "package.json"))) {
    return { missing: `no checkout at ${source} (${pkg.repository} ${pkg.ref === undefined ? `has no tag or commit of ${pkg.version}` : `at ${pkg.ref}`})` };
  }
  const version = (JSON.parse(readFileSync(path.join(source, "package.json"), "utf8")) as { version?: string }).version;
  let note = `${source} at ${version}`;
  if (version !== pkg.version) {
    const differing = libraryOf(files).filter((f) => !sameBytes(path.join(published, f), path.join(source, pkg.library ?? ".", f)));
    if (differing.length > 0) return { missing: `the checkout is ${version}, not ${pkg.version}, and ${differing.length} library files differ (${differing[0]})` };
    note += `, library identical to ${pkg.version}`;
  }
  rmSync(into, { recursive: true, force: true });
  mkdirSync(path.dirname(into), { recursive: true });
  // cp, not cpSync: fixtures hold symbolic links (cpSync makes relative ones absolute) and names that are not UTF-8.
  const copy = spawnSync("cp", ["-R", source, into], { encoding: "utf8" });
  if (copy.status !== 0) return { missing: `could not copy the checkout: ${copy.stderr.trim()}` };
  for (const generated of [".git", "node_modules"]) rmSync(path.join(into, generated), { recursive: true, force: true });
  const install = spawnSync("npm", ["install", "--no-audit", "--no-fund", "--no-package-lock", "--ignore-scripts", "--loglevel=error"], { cwd: into, encoding: "utf8" });
  if (install.status !== 0) return { missing: `npm install failed in the checkout: ${install.stderr.trim().split("\n").slice(-3).join(" ")}` };
  installCorral(corralRoot, path.join(into, "node_modules/corral"));
  return { dir: into, note };
}

/** Lay library files from `from` over the checkout, where the repository keeps them. */
export function overlay(pkg: BenchPackage, files: readonly string[], from: string, checkout: string): void {
  copyFiles(libraryOf(files), from, path.join(checkout, pkg.library ?? "."));
}

/** The files to lay over a checkout: never its package.json, which holds its scripts and devDependencies. */
function libraryOf(files: readonly string[]): string[] {
  return files.filter((f) => f !== "package.json");
}

/** `--to scoped` output imports corral: the checkout gets the running corral's runtime, as a copy (not a link). */
function installCorral(root: string, into: string): void {
  mkdirSync(into, { recursive: true });
  cpSync(path.join(root, "package.json"), path.join(into, "package.json"));
  cpSync(path.join(root, "dist/runtime"), path.join(into, "dist/runtime"), { recursive: true });
}

function sameBytes(a: string, b: string): boolean {
  return existsSync(a) && existsSync(b) && readFileSync(a).equals(readFileSync(b));
}
