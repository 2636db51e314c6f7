/** `--shard k/n`, `--cache` and `--cache-location`, as `scan` and `migrate` take them. */
import { parseShard, type Shard } from "../codemods/engine/shard.ts";
import { DEFAULT_CACHE_LOCATION, type CacheOptions } from "../codemods/engine/verdict-cache.ts";
import { engineFingerprint } from "./engine-fingerprint.ts";
import { UsageFailure } from "./usage.ts";
import { version } from "./version.ts";

/** The options' help lines, the same for both commands. */
export const shardAndCacheHelp = `  --shard <k/n>       this machine's share k of n (1-based, as vitest and playwright count): files are ordered by
                      a hash of their path relative to the working folder and cut in n, so each file is in one
                      shard on every machine. Run every shard from the same folder with --json and join the
                      reports with corral merge-reports: the result is the report of one unsharded run
  --cache             reuse the verdicts of files that did not change since the last run with --cache: a file is
                      decided again when it, a project file it imports (transitively), corral (its version or
                      build), the options, the tsconfig or the lockfile changed. The cache file is named in the
                      report (--json: "cache": { file, reused, decided }; else on stderr)
  --cache-location <dir>  where --cache keeps its file (default: ${DEFAULT_CACHE_LOCATION})`;

/** The shard of `--shard`, or undefined without it; a usage error for a malformed one. */
export function shardOf(value: string | undefined): Shard | undefined {
  if (value === undefined) return undefined;
  const shard = parseShard(value);
  if ("problem" in shard) throw new UsageFailure(shard.problem);
  return shard;
}

/** The cache a command uses (`name`: its file), or undefined without `--cache`. */
export function cacheOf(cache: boolean, location: string | undefined, name: string): CacheOptions | undefined {
  if (!cache) {
    if (location !== undefined) throw new UsageFailure("--cache-location says where --cache keeps its file: add --cache");
    return undefined;
  }
  return { location: location ?? DEFAULT_CACHE_LOCATION, name, version: `${version()}+${engineFingerprint()}` };
}

/** The stderr line that names the cache file a run wrote, and what it reused. */
export function cacheLine(stats: { file: string; reused: number; decided: number }): string {
  return `corral: cache: reused ${stats.reused} files, decided ${stats.decided}; wrote ${stats.file}\n`;
}

/** The stderr line that says which share of the tree a sharded run took. */
export function shardLine(shard: { index: number; count: number; files: Record<string, number> }): string {
  return `corral: shard ${shard.index}/${shard.count}: ${Object.keys(shard.files).length} files of the tree\n`;
}
