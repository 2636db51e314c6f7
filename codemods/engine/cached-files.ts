/**
 * `migrate --to async --cache`: the files whose cache key (cache-keys.ts) an earlier run left an entry under take
 * their results and new text from it; only the others are decided (and type-gated), and the report is put back
 * together in the run's file order, the same as a run without the cache.
 *
 * A file's key covers what its rewrite and its type gate read: the file, what it imports (transitively), and the
 * files importing it with what they import.
 */
import { readFileSync } from "node:fs";
import { cacheKeys } from "./cache-keys.ts";
import { hashOf } from "./dependency-graph.ts";
import type { FileTarget } from "./file-stage.ts";
import type { FileChange, MigrateOptions, MigrateReport } from "./migrate.ts";
import { configOf } from "./project.ts";
import { displayOf, type FunctionResult } from "./result.ts";
import { VerdictCache, type CacheOptions } from "./verdict-cache.ts";

/** A file's verdicts as cached: its results, and its new text when the run changes it. */
interface Entry {
  results: FunctionResult[];
  after?: string;
  /** Under the key of a whole run: the run's warnings. */
  warnings?: string[];
}

/** Migrate `files` with `run`, reusing the cached verdicts of every file whose key is unchanged. */
export async function cachedFiles(
  files: readonly FileTarget[],
  options: MigrateOptions & { cache: CacheOptions },
  run: (files: readonly FileTarget[]) => Promise<MigrateReport>,
): Promise<MigrateReport> {
  // A file named by two targets (`a.ts:f a.ts:g`) has its results under one name: decided afresh, like a run without the cache.
  if (new Set(files.map((f) => f.absolute)).size < files.length) return run(files);
  const cache = new VerdictCache<Entry>(options.cache);
  const settings = { stage: options.to, version: options.cache.version, strict: options.strict === true, gate: options.typeGate !== false, refuse: options.refuse ?? {} };
  const base = cacheKeys(
    files.map((f) => f.absolute),
    configOf(options.tsconfig),
    settings,
    "neighbourhood",
  );
  const keyOf = (f: FileTarget): string => hashOf(`${base.get(f.absolute)!}\n${JSON.stringify(f.selector ?? null)}`);
  const runKey = `run:${hashOf(files.map(keyOf).join("\n"))}`;
  const found = files.map((f) => cache.get(keyOf(f)));
  const missing = files.filter((_, i) => found[i] === undefined);
  const fresh = missing.length === 0 ? undefined : await run(missing);
  const freshText = new Map(fresh?.changes.map((c) => [c.file, c.after]));
  const freshResults = new Map<string, FunctionResult[]>();
  for (const r of fresh?.results ?? []) freshResults.set(r.file, [...(freshResults.get(r.file) ?? []), r]);
  const results: FunctionResult[] = [];
  const changes: FileChange[] = [];
  for (const [i, target] of files.entries()) {
    const display = displayOf(target.absolute);
    let entry = found[i];
    if (entry === undefined) {
      const after = freshText.get(target.absolute);
      entry = { results: freshResults.get(display) ?? [], ...(after === undefined ? {} : { after }) };
      cache.set(keyOf(target), entry);
    }
    results.push(...entry.results);
    if (entry.after !== undefined) changes.push({ file: target.absolute, before: readFileSync(target.absolute, "utf8"), after: entry.after });
  }
  // The run's warnings (corral's types not found, say) come back with a run that reuses every file.
  const warnings = fresh === undefined ? (cache.get(runKey)?.warnings ?? []) : (fresh.warnings ?? []);
  cache.set(runKey, { results: [], warnings });
  return { results, changes, skipped: [], ...(warnings.length === 0 ? {} : { warnings }), cache: cache.save({ reused: files.length - missing.length, decided: missing.length }) };
}
