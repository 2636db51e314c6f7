/**
 * `corral scan`: an inventory of every function under the given paths: its style, what each stage would do (from
 * the same eligibility checks `migrate` runs, in a dry run), the calls between functions of the project, and a
 * suggested order (trio-asyncio's path: the entry inside `run()`, then `--to async`, then `--to scoped` from the
 * leaves of the call graph up, so each caller can call the functions below it natively).
 */
import { PARALLEL_FROM } from "./file-stage.ts";
import type { FunctionResult, Reason } from "./result.ts";
import { sourceFiles, type Skipped } from "./source-files.ts";
import { onWorker } from "./worker.ts";

/** `promise`: returns a promise (`new Promise`, `Promise.all`, a typed promise) without chains, awaits or callbacks. */
export type Style = "scoped" | "async" | "chain" | "callback" | "promise" | "mixed" | "sync";

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
  /** Files that cannot be read (a syntax error, with where), or that stage 1 failed on (a bug of ours). */
  errors: { file: string; message: string }[];
  /** Files and folders not read: symbolic link loops, files over the size limit, binary files. */
  skipped: Skipped[];
  /** The steps to take, in order: a `corral migrate` command line each. */
  order: string[];
}

/** What scan learns: the report but the suggested order, and the files that start a program (a top-level call of an async function). */
export interface Inventory extends Omit<ScanReport, "order"> {
  entries: string[];
}

/** Hears how far a scan is: files done of all, and what is being done. */
export type ScanProgress = (done: number, total: number, what: string) => void;

/**
 * Scan `paths`, in one project: stage 1 file by file, then stage 2 and the call graph across the project. On a
 * large tree the scan runs on a worker thread, so this thread only draws the progress.
 */
export async function scan(paths: readonly string[], tsconfig?: string, onProgress?: ScanProgress): Promise<ScanReport> {
  const total = sourceFiles(paths).length;
  // The inventory needs the compiler; on a large tree only its worker loads it.
  const found =
    total >= PARALLEL_FROM
      ? onWorker<Inventory>(new URL("./scan-worker.js", import.meta.url), { paths, tsconfig }, (done, what) => onProgress?.(done, total, what ?? ""))
      : import("./inventory.ts").then(({ inventory }) => inventory(paths, tsconfig, onProgress));
  const { functions, errors, skipped, entries } = await found;
  return { functions, errors, skipped, order: suggestedOrder(functions, entries) };
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
