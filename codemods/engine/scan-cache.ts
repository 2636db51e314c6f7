/**
 * `scan --cache`. Stage 1 of a file (its `--to async` verdicts, styles and calls) depends on the file and what it
 * imports, so it is kept under that file's key and reused whenever those are unchanged. The `--to scoped` verdicts are
 * decided across the project (a caller anywhere can refuse a function), so a file's whole entry is reused only while
 * no file of the tree changed; after a change stage 2 runs again over the whole tree, and stage 1 only for the files
 * whose own key changed.
 */
import { cacheKeys } from "./cache-keys.ts";
import { hashOf } from "./dependency-graph.ts";
import { configOf } from "./project.ts";
import { withScoped, type FileInventory, type ReadFiles, type ScannedFile } from "./scan.ts";
import { VerdictCache, type CacheOptions, type CacheStats } from "./verdict-cache.ts";

type Entry = FileInventory | ScannedFile;

/** The scanned files of `mine` (a share of `all`, absolute paths), from the cache where it can, else from `read`. */
export async function cachedScan(
  mine: readonly string[],
  all: readonly string[],
  tsconfig: string | undefined,
  options: CacheOptions,
  read: ReadFiles,
): Promise<{ files: ScannedFile[]; cache: CacheStats }> {
  const cache = new VerdictCache<Entry>(options);
  const keys = cacheKeys(all, configOf(tsconfig), { command: "scan", version: options.version }, "imports");
  const tree = hashOf(all.map((f) => keys.get(f)!).join("\n"));
  const whole = (file: string): string => `scan:${hashOf(`${keys.get(file)!}\n${tree}`)}`;
  const own = (file: string): string => `stage1:${keys.get(file)!}`;
  const complete = mine.map((f) => cache.get(whole(f)) as ScannedFile | undefined);
  if (complete.every((f) => f !== undefined)) {
    for (const f of mine) cache.get(own(f)); // kept for the next run, whose tree may differ
    return { files: complete, cache: cache.save({ reused: mine.length, decided: 0 }) };
  }
  const firsts = mine.map((f) => cache.get(own(f)) as FileInventory | undefined);
  const missing = mine.filter((_, i) => firsts[i] === undefined);
  const found = await read(missing);
  const fresh = new Map(found.files.map((f, i) => [missing[i]!, f]));
  const inventory = mine.map((f, i) => firsts[i] ?? fresh.get(f)!);
  for (const f of missing) cache.set(own(f), fresh.get(f)!);
  const files = withScoped({ files: inventory, ...(found.scoped === undefined ? {} : { scoped: found.scoped }) });
  for (const [i, f] of mine.entries()) cache.set(whole(f), files[i]!);
  return { files, cache: cache.save({ reused: mine.length - missing.length, decided: missing.length }) };
}
