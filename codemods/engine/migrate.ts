/**
 * The migration engine: run a stage over the targets and report one result per function and the new text of each
 * file it would change. `--to async` is decided file by file (file-stage.ts, migrate-file.ts); `--to scoped` and
 * `--entry` across the project (to-scoped/). Nothing is written here; the caller shows a diff or writes the files.
 */
import { migrateFiles, type FileTarget } from "./file-stage.ts";
import type { FunctionResult } from "./result.ts";
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
}

export async function migrate(options: MigrateOptions): Promise<MigrateReport> {
  const targets = options.targets.map(parseTarget);
  const skipped: Skipped[] = [];
  if (options.to !== "async") {
    // Loaded only here: a run of the file-by-file stage on worker threads never needs the compiler in this thread.
    const { migrateProject } = await import("./migrate-project.ts");
    const project = (await import("./project.ts")).openProject(
      targets.map((t) => t.file),
      options.tsconfig,
      true,
    );
    return migrateProject(project, targets, options, skipped);
  }
  // Decided file by file: in chunks, over worker threads for a large tree.
  const files: FileTarget[] = targets.flatMap((target) =>
    sourceFiles([target.file], skipped).map((absolute) => ({ absolute, ...(target.selector === undefined ? {} : { selector: target.selector }) })),
  );
  const { results, changes } = await migrateFiles(files, {
    tsconfig: options.tsconfig,
    jobs: options.jobs,
    onProgress: options.onProgress,
  });
  return { results, changes, skipped };
}
