/**
 * The migration engine: run a stage over the targets and report one result per function and the new text of each
 * file it would change. `--to async` is decided file by file (file-stage.ts, migrate-file.ts); `--to scoped` and
 * `--entry` across the project (to-scoped/). Nothing is written here; the caller shows a diff or writes the files.
 */
import { migrateFiles, type FileTarget } from "./file-stage.ts";
import { displayOf, type FunctionResult, type Reason } from "./result.ts";
import { sourceFiles, type Skipped } from "./source-files.ts";
import { parseTarget } from "./targets.ts";

/** `async`: callbacks and chains to async/await; `scoped`: async functions to scoped ones; `entry`: main in `run()`. */
export type Stage = "async" | "scoped" | "entry";

export interface MigrateOptions {
  /** `file:function`, `file:Class.method`, `file:LINE`, or files and folders (every function in them). */
  targets: readonly string[];
  to: Stage;
  tsconfig?: string;
  /** `--to scoped`: exported functions keep their old signature beside the scoped version (`fScoped`). */
  keepLegacyExport?: boolean;
  /**
   * `--to scoped`: call sites outside the targets' files may be rewritten too. Without it, a function used outside
   * them keeps its old signature there (`keepLegacyExport`) or is refused (`callers-outside-targets`).
   */
  callers?: boolean;
  /** Worker threads for the stages decided file by file (default: one per core for a large tree, else none). */
  jobs?: number;
  /** `--to scoped`: only what each function's outcome would be (for `scan`): no call sites, no new text. */
  verdictsOnly?: boolean;
  /** Hears how many files are done, for a progress bar. */
  onProgress?: (done: number, total: number) => void;
  /**
   * Check the rewrites' types before reporting them (default true): a function whose rewrite adds a type error to
   * its file or to a file importing it is refused `would-break-types`, and the run settles again without it.
   */
  typeGate?: boolean;
  /** Functions refused whatever the stage would do, by `functionKey` (file, line, name as reported). */
  refuse?: Readonly<Record<string, Reason>>;
  /**
   * `--to async`: refuse an err-first function whose callback may be called in the same turn, instead of converting
   * it with a note that the async form always answers later (`--strict`).
   */
  strict?: boolean;
  /**
   * Files (by absolute path) read with this text instead of what is on disk: the text a caller already holds, such
   * as jscodeshift's `file.source`. The files must exist: the project, its tsconfig and imports are still on disk.
   */
  sources?: ReadonlyMap<string, string>;
}

/** A file the run would change: its text before and after. */
export interface FileChange {
  file: string;
  before: string;
  after: string;
}

export interface MigrateReport {
  results: FunctionResult[];
  changes: FileChange[];
  /** Files and folders not read: symbolic link loops, files over the size limit, binary files. */
  skipped: Skipped[];
  /** What the run could not do as well as it should, and what to do about it (a type gate without corral's types). */
  warnings?: string[];
}

export async function migrate(options: MigrateOptions): Promise<MigrateReport> {
  const targets = options.targets.map(parseTarget);
  const skipped: Skipped[] = [];
  const gate = options.typeGate !== false && options.verdictsOnly !== true && options.to !== "entry";
  if (options.to !== "async") {
    // Loaded only here: a run of the file-by-file stage on worker threads never needs the compiler in this thread.
    const { migrateProject } = await import("./migrate-project.ts");
    const project = (await import("./project.ts")).openProject(
      targets.map((t) => t.file),
      options.tsconfig,
      true,
      {},
      options.sources,
    );
    const report = await migrateProject(project, targets, options, skipped);
    if (!gate) return report;
    // The whole project is decided again without the refused functions: their callers are written anew.
    return (await import("./gate-types.ts")).gateTypes(report, options, (refuse) => migrateProject(project, targets, { ...options, refuse }, []));
  }
  // Decided file by file: in chunks, over worker threads for a large tree.
  const files: FileTarget[] = targets.flatMap((target) =>
    sourceFiles([target.file], skipped).map((absolute) => ({
      absolute,
      ...(target.selector === undefined ? {} : { selector: target.selector }),
      ...(options.refuse === undefined ? {} : { refuse: { ...options.refuse } }),
      ...(options.strict === true ? { strict: true } : {}),
      ...(options.sources?.has(absolute) === true ? { text: options.sources.get(absolute)! } : {}),
    })),
  );
  const stage = (only: readonly FileTarget[]) =>
    migrateFiles(only, { tsconfig: options.tsconfig, jobs: options.jobs, onProgress: options.onProgress });
  const first = { ...(await stage(files)), skipped };
  if (!gate) return first;
  // Only the files with a refused function are decided again (a file's outcome depends on its own functions).
  return (await import("./gate-types.ts")).gateTypes(first, options, async (refuse) => {
    const again = files.filter((f) => Object.keys(refuse).some((key) => key.startsWith(`${displayOf(f.absolute)}:`)));
    const redone = await stage(again.map((f) => ({ ...f, refuse })));
    const files2 = new Set(again.map((f) => displayOf(f.absolute)));
    const absolute = new Set(again.map((f) => f.absolute));
    return {
      results: [...first.results.filter((r) => !files2.has(r.file)), ...redone.results],
      changes: [...first.changes.filter((c) => !absolute.has(c.file)), ...redone.changes],
      skipped,
    };
  });
}
