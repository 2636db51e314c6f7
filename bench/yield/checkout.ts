/**
 * A package's repository at the published version, as the user checked it out under `--repos DIR/<name>`. The
 * benchmark never touches that checkout: it installs a copy once (its devDependencies, with npm), and gives each
 * suite run a fresh copy of the checkout, sharing the installed node_modules, with library files laid over it (the
 * published ones before the migration, the migrated ones after). Fresh, because suites write into their fixtures:
 * ncp 2.0.0's mtime test fails on a first run and passes on a second over the files the first one left.
 */
import { spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, symlinkSync } from "node:fs";
import path from "node:path";
import { copyFiles } from "./library-files.ts";
import type { BenchPackage } from "./packages.ts";

/** The checkout, checked and installed; or why there is none. */
export type Checkout = { source: string; installed: string; note: string } | { missing: string };

/**
 * Find `repos/<name>`, check it is the published version (its package.json says so, or every library file is
 * byte-identical to the published one: a release made without a tag), and install a copy of it in `into`.
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
  const copied = copyCheckout(source, into);
  if (copied !== undefined) return { missing: copied };
  // Old devDependencies often declare peers today's npm will not resolve together (request's karma plugins).
  const install = spawnSync("npm", ["install", "--no-audit", "--no-fund", "--no-package-lock", "--ignore-scripts", "--legacy-peer-deps", "--loglevel=error"], {
    cwd: into,
    encoding: "utf8",
  });
  if (install.status !== 0) return { missing: `npm install failed in the checkout: ${install.stderr.trim().split("\n").slice(0, 3).join(" ")}` };
  installCorral(corralRoot, path.join(into, "node_modules/corral"));
  return { source, installed: into, note };
}

/**
 * A fresh copy of the checkout in `into`, using the installed node_modules, with the library files of `from` laid
 * over it where the repository keeps them. Returns why not, if the copy failed.
 */
export function freshCheckout(pkg: BenchPackage, checkout: Extract<Checkout, { installed: string }>, files: readonly string[], from: string, into: string): string | undefined {
  const copied = copyCheckout(checkout.source, into);
  if (copied !== undefined) return copied;
  symlinkSync(path.join(checkout.installed, "node_modules"), path.join(into, "node_modules"), "dir");
  copyFiles(libraryOf(files), from, path.join(into, pkg.library ?? "."));
  return undefined;
}

/** Copy a checkout without its .git and node_modules; why not, if it failed. */
function copyCheckout(source: string, into: string): string | undefined {
  rmSync(into, { recursive: true, force: true });
  mkdirSync(path.dirname(into), { recursive: true });
  // cp, not cpSync: fixtures hold symbolic links (cpSync makes relative ones absolute) and names that are not UTF-8.
  const copy = spawnSync("cp", ["-R", source, into], { encoding: "utf8" });
  if (copy.status !== 0) return `could not copy the checkout: ${copy.stderr.trim()}`;
  for (const generated of [".git", "node_modules"]) rmSync(path.join(into, generated), { recursive: true, force: true });
  return undefined;
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
