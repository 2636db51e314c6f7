/**
 * A published package's library code: its JavaScript and TypeScript sources, without what ships beside them
 * (dependencies, tests, bundles in `dist/`, examples, benchmarks, type declarations). The benchmark migrates these.
 */
import { cpSync, mkdirSync, readdirSync } from "node:fs";
import path from "node:path";

const NOT_LIBRARY = new Set(["node_modules", "test", "tests", "__tests__", "spec", "dist", "example", "examples", "bench", "benchmark", "coverage", "docs"]);
const SOURCE = /\.(?:[cm]?js|[cm]?ts)$/;

/** The library files under `dir`, relative to it, sorted; `package.json` too (it says how `.js` files load). */
export function libraryFiles(dir: string, under = ""): string[] {
  const files: string[] = [];
  for (const entry of readdirSync(path.join(dir, under), { withFileTypes: true })) {
    const relative = path.join(under, entry.name);
    if (entry.name.startsWith(".")) continue;
    if (entry.isDirectory()) {
      if (!NOT_LIBRARY.has(entry.name)) files.push(...libraryFiles(dir, relative));
    } else if (entry.isFile() && ((SOURCE.test(entry.name) && !/\.d\.[cm]?ts$/.test(entry.name)) || relative === "package.json")) {
      files.push(relative);
    }
  }
  return files.sort();
}

/** Copy `files` (relative paths) from one folder to another. */
export function copyFiles(files: readonly string[], from: string, to: string): void {
  for (const file of files) {
    mkdirSync(path.dirname(path.join(to, file)), { recursive: true });
    cpSync(path.join(from, file), path.join(to, file));
  }
}
