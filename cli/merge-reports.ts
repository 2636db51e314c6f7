/**
 * `corral merge-reports <shard.json...>`: the `--json` reports of `scan --shard k/n` or `migrate --to async --shard
 * k/n` runs, one per shard, joined into the report one unsharded run gives: entries in the run's file order (each
 * shard says where its files stand), the skipped files and warnings once, and a scan's suggested order computed
 * again over every function.
 */
import { readFileSync } from "node:fs";
import { suggestedOrder, type ScanReport } from "../codemods/engine/scan.ts";
import type { ShardInfo } from "../codemods/engine/shard.ts";
import { UsageFailure } from "./usage.ts";

export const mergeReportsHelp = `corral merge-reports <shard.json...>

Join the --json reports of sharded runs (corral scan --shard k/n --json, corral migrate --to async --shard k/n
--json), one per shard, into the report of one run over the whole tree, printed as JSON. Give every shard's report
once (any order), all from the same command and options. The cache statistics of each shard (--cache) are left out.

Example:
  corral scan src --json --shard 1/2 > scan-1.json      (on one machine)
  corral scan src --json --shard 2/2 > scan-2.json      (on another)
  corral merge-reports scan-1.json scan-2.json > scan.json

Exit status: 0, 2 when a report is missing, repeated, unreadable or not a sharded corral report.
`;

interface MigrateJson {
  results: { file: string }[];
  files: string[];
  skipped: unknown[];
  warnings: string[];
  shard?: ShardInfo;
}

type Sharded = (MigrateJson | ScanReport) & { shard: ShardInfo & { entries?: string[] } };

export function mergeReportsCommand(paths: readonly string[]): number {
  if (paths.length === 0) throw new UsageFailure("no reports: give the --json report of every shard (corral merge-reports shard-*.json)");
  const reports = paths.map(readReport);
  const count = reports[0]!.shard.count;
  const kinds = new Set(reports.map((r) => ("functions" in r ? "scan" : "migrate")));
  if (kinds.size > 1) throw new UsageFailure("the reports mix scan and migrate: merge the shards of one command at a time");
  const seen = new Map<number, string>();
  for (const [i, report] of reports.entries()) {
    if (report.shard.count !== count) throw new UsageFailure(`${paths[i]} is shard ${report.shard.index}/${report.shard.count}, but ${paths[0]} is of ${count} shards`);
    const other = seen.get(report.shard.index);
    if (other !== undefined) throw new UsageFailure(`${paths[i]} and ${other} are both shard ${report.shard.index}/${count}`);
    seen.set(report.shard.index, paths[i]!);
  }
  const absent = Array.from({ length: count }, (_, i) => i + 1).filter((k) => !seen.has(k));
  if (absent.length > 0) throw new UsageFailure(`missing shard ${absent.map((k) => `${k}/${count}`).join(", ")}: give every shard's report`);
  const position = new Map(reports.flatMap((r) => Object.entries(r.shard.files)));
  const inOrder = <T>(items: T[], fileOf: (item: T) => string): T[] =>
    items.map((item, i) => ({ item, i, at: position.get(fileOf(item)) ?? Number.MAX_SAFE_INTEGER })).sort((a, b) => a.at - b.at || a.i - b.i).map((e) => e.item);
  const once = <T>(lists: T[][]): T[] => {
    const keys = new Set<string>();
    return lists.flat().filter((x) => !keys.has(JSON.stringify(x)) && keys.add(JSON.stringify(x)) !== undefined);
  };
  // Concatenated in shard order first, so entries of one file keep their order (the sort is stable).
  const sorted = [...reports].sort((a, b) => a.shard.index - b.shard.index);
  let merged: object;
  if (kinds.has("scan")) {
    const scans = sorted as (ScanReport & Sharded)[];
    const functions = inOrder(scans.flatMap((r) => r.functions), (f) => f.file);
    const entries = inOrder(scans.flatMap((r) => r.shard.entries ?? []), (f) => f);
    const errors = inOrder(scans.flatMap((r) => r.errors), (e) => e.file);
    merged = { functions, errors, skipped: once(scans.map((r) => r.skipped)), order: suggestedOrder(functions, entries) };
  } else {
    const runs = sorted as (MigrateJson & Sharded)[];
    merged = {
      results: inOrder(runs.flatMap((r) => r.results), (r) => r.file),
      files: inOrder(runs.flatMap((r) => r.files), (f) => f),
      skipped: once(runs.map((r) => r.skipped)),
      warnings: once(runs.map((r) => r.warnings)),
    };
  }
  process.stdout.write(`${JSON.stringify(merged, null, 2)}\n`);
  return 0;
}

function readReport(file: string): Sharded {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, "utf8"));
  } catch (error) {
    throw new UsageFailure(`${file}: not a readable JSON report (${error instanceof Error ? error.message : String(error)})`);
  }
  const shard = (parsed as { shard?: ShardInfo } | null)?.shard;
  if (typeof shard !== "object" || shard === null || typeof shard.index !== "number" || typeof shard.count !== "number" || typeof shard.files !== "object") {
    throw new UsageFailure(`${file}: not the --json report of a sharded run (it has no "shard"): run corral scan or migrate with --shard k/n --json`);
  }
  return parsed as Sharded;
}
