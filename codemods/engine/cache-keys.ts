/**
 * The key of a file's verdicts in the `--cache`: a hash of corral's version, the run's options, the tsconfig and
 * lockfiles, the file's path and content, and the content of every project file its verdicts can depend on (see
 * dependency-graph.ts). Any change that could change a verdict changes the key.
 */
import { DependencyGraph, environmentHash, hashOf } from "./dependency-graph.ts";
import { projectFiles } from "./project.ts";
import { displayOf } from "./result.ts";

/**
 * The key of each of `files` (absolute paths). `options`: whatever else the verdicts depend on (the stage, its
 * options, corral's version). `reach`: `imports` for verdicts decided from the file and what it imports,
 * `neighbourhood` when the type gate also reads the files importing it.
 */
export function cacheKeys(
  files: readonly string[],
  config: string | undefined,
  options: unknown,
  reach: "imports" | "neighbourhood",
): Map<string, string> {
  // The files the compiler reads with the targets: the importers the type gate checks may be anywhere in them.
  const universe = config === undefined ? [...files] : [...new Set([...files, ...projectFiles(config)])];
  const graph = new DependencyGraph(universe, config);
  const common = hashOf(JSON.stringify([options, environmentHash(config)]));
  const named = new Map<string, string>();
  const nameOf = (f: string): string => named.get(f) ?? named.set(f, `${displayOf(f)}\0${graph.hash(f)}`).get(f)!;
  const keys = new Map<string, string>();
  for (const file of files) {
    const depends = reach === "imports" ? graph.closure(file) : graph.neighbourhood(file);
    const inputs = [...depends].map(nameOf).sort();
    keys.set(file, hashOf([common, displayOf(file), graph.hash(file), ...inputs].join("\n")));
  }
  return keys;
}
