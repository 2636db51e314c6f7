/**
 * `corral scan`: an inventory of every function under the given paths: its style, what each stage would do (from
 * the same eligibility checks `migrate` runs, in a dry run), the calls between functions of the project, and a
 * suggested order (trio-asyncio's path: the entry inside `run()`, then `--to async`, then `--to scoped` from the
 * leaves of the call graph up, so each caller can call the functions below it natively).
 */
import os from "node:os";
import { PARALLEL_FROM } from "./file-stage.ts";
import { migrate } from "./migrate.ts";
import type { FunctionResult, Reason } from "./result.ts";
import { sourceFiles, type Skipped } from "./source-files.ts";
import { onWorker } from "./worker.ts";

export type Style = "scoped" | "async" | "chain" | "callback" | "mixed" | "sync";

/** What a stage would do to a function: its outcome, and the reason when it refuses. */
export interface StageVerdict {
  outcome: FunctionResult["outcome"];
  reason: Reason | null;
}

export interface ScannedFunction {
  file: string;
  function: string;
  line: number;
  style: Style;
  async: StageVerdict;
  scoped: StageVerdict;
  /** Functions of the project it calls, as `file:function`. */
  calls: string[];
}

export interface ScanReport {
  functions: ScannedFunction[];
  /** Files that cannot be read (a syntax error), with where. */
  errors: { file: string; message: string }[];
  /** Files and folders not read: symbolic link loops, files over the size limit, binary files. */
  skipped: Skipped[];
  /** The steps to take, in order: a `corral migrate` command line each. */
  order: string[];
}

/** What scan learns across the project (stage 2's verdicts, styles, calls, entries): all but stage 1's verdicts. */
export interface Inventory {
  functions: Omit<ScannedFunction, "async">[];
  errors: ScanReport["errors"];
  skipped: Skipped[];
  /** Files that start a program (a top-level call of an async function). */
  entries: string[];
}

/**
 * Scan `paths`. Stage 1 is decided file by file, stage 2 and the inventory across the project; on a large tree the
 * two run at once on worker threads (stage 1 on every core but one), so the scan takes about as long as the
 * longer of the two.
 */
export async function scan(paths: readonly string[], tsconfig?: string, onProgress?: (done: number, total: number) => void): Promise<ScanReport> {
  const large = sourceFiles(paths).length >= PARALLEL_FROM;
  const stageOne = migrate({
    targets: paths,
    to: "async",
    verdictsOnly: true,
    offThread: large,
    ...(large ? { jobs: Math.max(1, os.availableParallelism() - 1) } : {}),
    ...(tsconfig === undefined ? {} : { tsconfig }),
    ...(onProgress === undefined ? {} : { onProgress }),
  });
  // The inventory needs the compiler; on a large tree only its worker loads it.
  const found = large
    ? onWorker<Inventory>(new URL("./scan-worker.js", import.meta.url), { paths, tsconfig })
    : import("./inventory.ts").then(({ inventory }) => inventory(paths, tsconfig));
  const [asyncRun, { functions, errors, skipped, entries }] = await Promise.all([stageOne, found]);
  const asyncResults = new Map(asyncRun.results.map((r) => [`${r.file}:${r.line}:${r.function}`, r]));
  const scanned = functions.map((fn): ScannedFunction => {
    const found = asyncResults.get(`${fn.file}:${fn.line}:${fn.function}`);
    const async = { outcome: found?.outcome ?? "unchanged", reason: found?.reason ?? null };
    return { file: fn.file, function: fn.function, line: fn.line, style: fn.style, async, scoped: fn.scoped, calls: fn.calls };
  });
  return { functions: scanned, errors, skipped, order: suggestedOrder(scanned, entries) };
}

/** The entry first, then `--to async` for what it would change, then `--to scoped` leaves first. */
function suggestedOrder(functions: readonly ScannedFunction[], entries: readonly string[]): string[] {
  const steps = entries.map((file) => `corral migrate ${file} --entry`);
  // Stage 1 needs no runtime and changes no signature: a file at a time.
  const files = [...new Set(functions.filter((fn) => fn.async.outcome === "changed").map((fn) => fn.file))];
  for (const file of files) steps.push(`corral migrate ${file} --to async`);
  // What --to scoped would take now, and what it would take once --to async made it async (a chain it refuses now).
  const afterStageOne = (fn: ScannedFunction): boolean =>
    fn.async.outcome === "changed" && (fn.scoped.outcome !== "refused" || fn.scoped.reason?.code === "chain-over-scoped");
  const scoped = functions.filter((fn) => fn.scoped.outcome === "changed" || afterStageOne(fn));
  const key = (fn: ScannedFunction): string => `${fn.file}:${fn.function}`;
  const pending = new Set(scoped.map(key));
  // Leaves first: a function once everything it calls that is waiting its turn has had its own.
  while (pending.size > 0) {
    const ready = scoped.filter((fn) => pending.has(key(fn)) && fn.calls.every((c) => !pending.has(c) || c === key(fn)));
    const next = ready.length > 0 ? ready : scoped.filter((fn) => pending.has(key(fn))).slice(0, 1); // a cycle: any
    for (const fn of next) {
      pending.delete(key(fn));
      steps.push(`corral migrate ${fn.file}:${fn.function} --to scoped`);
    }
  }
  return steps;
}
