/**
 * `--shard k/n`: the share of a tree one of `n` CI machines takes (vitest's and playwright's convention, `k` from 1).
 * Files are ordered by a hash of their path as reports name them (relative to the working folder, with `/`), then
 * cut into `n` runs of nearly equal length: the same file lands in the same shard on every machine, whatever the
 * order the file system lists it in, and every file in exactly one shard.
 */
import { createHash } from "node:crypto";
import { displayOf } from "./result.ts";

/** Shard `index` of `count`, 1-based: `--shard 2/3` is `{ index: 2, count: 3 }`. */
export interface Shard {
  index: number;
  count: number;
}

/** `--shard k/n` as given, or the message that says what is wrong with it. */
export function parseShard(text: string): Shard | { problem: string } {
  const match = /^(\d+)\/(\d+)$/.exec(text.trim());
  if (match === null) return { problem: `--shard ${text}: give k/n, this machine's share k of n shards, e.g. --shard 1/3` };
  const index = Number(match[1]);
  const count = Number(match[2]);
  if (count < 1) return { problem: `--shard ${text}: the number of shards must be 1 or more` };
  if (index < 1 || index > count) return { problem: `--shard ${text}: the shard must be from 1 to ${count} (shards count from 1)` };
  return { index, count };
}

/** The key a file is ordered by: its name as reports give it, the same on every machine and operating system. */
function shardKey(absolute: string): string {
  return createHash("sha1").update(displayOf(absolute).split("\\").join("/")).digest("hex");
}

/** The files of `files` (absolute paths) that are `shard`'s, in the order given. */
export function shareOf<T>(files: readonly T[], shard: Shard, pathOf: (file: T) => string): T[] {
  const keyed = files.map((file) => ({ file, key: shardKey(pathOf(file)) }));
  const sorted = [...keyed].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  const start = Math.floor((sorted.length * (shard.index - 1)) / shard.count);
  const end = Math.floor((sorted.length * shard.index) / shard.count);
  const mine = new Set(sorted.slice(start, end).map((k) => k.file));
  return files.filter((file) => mine.has(file));
}

/**
 * What a sharded `--json` report carries so `corral merge-reports` can put the shards back together as one run:
 * the shard, and the place of each of its files in the whole run's order.
 */
export interface ShardInfo extends Shard {
  /** Each file of this shard (as reports name it), and its place among all the files of the run. */
  files: Record<string, number>;
}

/** The {@link ShardInfo} of `share`, a shard of `all` (absolute paths, in the run's order). */
export function shardInfo(shard: Shard, all: readonly string[], share: readonly string[]): ShardInfo {
  const mine = new Set(share);
  const files: Record<string, number> = {};
  for (const [position, absolute] of all.entries()) if (mine.has(absolute)) files[displayOf(absolute)] = position;
  return { ...shard, files };
}
