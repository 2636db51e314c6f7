/**
 * `corral scan`: an inventory of every function under the given paths: its style, what each stage would do (from
 * the same eligibility checks `migrate` runs, in a dry run), the calls between functions of the project, and a
 * suggested order (trio-asyncio's path: the entry inside `run()`, then `--to async`, then `--to scoped` from the
 * leaves of the call graph up, so each caller can call the functions below it natively).
 */
import { PARALLEL_FROM } from "./file-stage.ts";
import type { FunctionResult, Reason } from "./result.ts";
import { shardInfo, shareOf, type Shard, type ShardInfo } from "./shard.ts";
import { sourceFiles, type Skipped } from "./source-files.ts";
import type { CacheOptions, CacheStats } from "./verdict-cache.ts";
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
  /** With `--shard`: which shard this is, where its files stand in the whole scan, and its files that start a program. */
  shard?: ShardInfo & { entries: string[] };
  /** With `--cache`: the cache file written, and how many files were reused and decided. */
  cache?: CacheStats;
}

/** What scan learns of one file: its functions (each with both stages' verdicts), its errors, and whether it starts a program. */
export interface ScannedFile {
  file: string;
  functions: ScannedFunction[];
  errors: ScanReport["errors"];
  /** A top-level call of an async function: the file starts a program. */
  entry: boolean;
}

/** Stage 1 of a file: {@link ScannedFile} but the `--to scoped` verdicts, which are decided across the project. */
export interface FileInventory extends Omit<ScannedFile, "functions"> {
  functions: Omit<ScannedFunction, "scoped">[];
}

/** What the inventory learns: stage 1 of the files it was asked for, and the `--to scoped` results when asked for. */
export interface Inventory {
  files: FileInventory[];
  scoped?: FunctionResult[];
}

/** Hears how far a scan is: files done of all, and what is being done. */
export type ScanProgress = (done: number, total: number, what: string) => void;

/** `--shard k/n` and `--cache` (shard.ts, scan-cache.ts). */
export interface ScanOptions {
  shard?: Shard;
  cache?: CacheOptions;
}

/** A scan's stage 1 of `stageOne` (absolute), and stage 2 of every file under the paths. */
export type ReadFiles = (stageOne: readonly string[]) => Promise<Inventory>;

/**
 * Scan `paths`, in one project: stage 1 file by file, then stage 2 and the call graph across the project. On a
 * large tree the scan runs on a worker thread, so this thread only draws the progress. With a shard, stage 1 and
 * the report cover the shard's files; stage 2 still reads the whole tree, so its verdicts are the unsharded ones.
 */
export async function scan(paths: readonly string[], tsconfig?: string, onProgress?: ScanProgress, options: ScanOptions = {}): Promise<ScanReport> {
  const skipped: Skipped[] = [];
  const all = sourceFiles(paths, skipped);
  const mine = options.shard === undefined ? all : shareOf(all, options.shard, (f) => f);
  // The inventory needs the compiler; on a large tree only its worker loads it.
  const read: ReadFiles = (stageOne) =>
    all.length >= PARALLEL_FROM
      ? onWorker<Inventory>(new URL("./scan-worker.js", import.meta.url), { paths, tsconfig, only: { stageOne } }, (done, what) =>
          onProgress?.(done, stageOne.length, what ?? ""),
        )
      : import("./inventory.ts").then(({ inventory }) => inventory(paths, tsconfig, onProgress, { stageOne }));
  const { files, cache } =
    options.cache === undefined
      ? { files: withScoped(await read(mine)), cache: undefined }
      : await (await import("./scan-cache.ts")).cachedScan(mine, all, tsconfig, options.cache, read);
  const functions = files.flatMap((f) => f.functions);
  const entries = files.filter((f) => f.entry).map((f) => f.file);
  return {
    functions,
    errors: files.flatMap((f) => f.errors),
    skipped,
    order: suggestedOrder(functions, entries),
    ...(options.shard === undefined ? {} : { shard: { ...shardInfo(options.shard, all, mine), entries } }),
    ...(cache === undefined ? {} : { cache }),
  };
}

/** The files of an inventory with their `--to scoped` verdicts. */
export function withScoped(found: Inventory): ScannedFile[] {
  const scopedOf = verdicts(found.scoped ?? []);
  const scanned = (fn: FileInventory["functions"][number]): ScannedFunction => ({
    file: fn.file,
    function: fn.function,
    line: fn.line,
    style: fn.style,
    async: fn.async,
    scoped: scopedOf(fn),
    calls: fn.calls,
  });
  return found.files.map((f) => ({ ...f, functions: f.functions.map(scanned) }));
}

/** A function's verdict among `results`: the result of its file, line and name, or unchanged when there is none. */
export function verdicts(results: readonly FunctionResult[]): (fn: Pick<ScannedFunction, "file" | "line" | "function">) => StageVerdict {
  const byKey = new Map(results.map((r) => [`${r.file}:${r.line}:${r.function}`, r]));
  return (fn) => {
    const found = byKey.get(`${fn.file}:${fn.line}:${fn.function}`);
    return { outcome: found?.outcome ?? "unchanged", reason: found?.reason ?? null };
  };
}

/** The entry first, then `--to async` for what it would change, then `--to scoped` leaves first. */
export function suggestedOrder(functions: readonly ScannedFunction[], entries: readonly string[]): string[] {
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
