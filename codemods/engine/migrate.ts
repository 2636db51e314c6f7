/**
 * The migration engine: run a stage over the targets and report one result per function and the new text of each
 * file it would change. `--to async` is decided file by file (file-stage.ts, migrate-file.ts); `--to scoped` and
 * `--entry` across the project (to-scoped/). Nothing is written here; the caller shows a diff or writes the files.
 */
import type { Project } from "ts-morph";
import { planScopedRun, type ScopedTarget } from "../to-scoped/migrate-scoped.ts";
import { applyEdits } from "./edits.ts";
import { migrateFiles, type FileTarget } from "./file-stage.ts";
import { formatRanges } from "./format.ts";
import { openProject, sourceFiles, syntaxError, type Skipped } from "./project.ts";
import { pruneImports } from "./prune-imports.ts";
import { displayOf, internalFailure, noSuchFunction, parseFailure, type FunctionResult } from "./result.ts";
import { parseTarget, select, type Target } from "./targets.ts";

/** `async`: callbacks and chains to async/await; `scoped`: async functions to scoped ones; `entry`: main in `run()`. */
export type Stage = "async" | "scoped" | "entry";

export interface MigrateOptions {
  /** `file:function`, `file:Class.method`, `file:LINE`, or files and folders (every function in them). */
  targets: readonly string[];
  to: Stage;
  tsconfig?: string;
  /** `--to scoped`: exported functions keep their old signature beside the scoped version (`fScoped`). */
  keepLegacyExport?: boolean;
  /** Worker threads for the stages decided file by file (default: one per core for a large tree, else none). */
  jobs?: number;
  /** Only what each function's outcome would be (for `scan`): no call sites, no new text, no formatting. */
  verdictsOnly?: boolean;
  /** Hears how many files are done, for a progress bar. */
  onProgress?: (done: number, total: number) => void;
  /** `--to async`: work on worker threads only, this thread has other work meanwhile (`scan`). */
  offThread?: boolean;
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
    const project = openProject(
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
    verdictsOnly: options.verdictsOnly === true,
    offThread: options.offThread === true,
  });
  return { results, changes, skipped };
}

/**
 * `--to scoped` and `--entry`: decided across the project (a function's callers change with it), then each
 * changed file is written once and formatted.
 */
export async function migrateProject(project: Project, targets: readonly Target[], options: MigrateOptions, skipped: Skipped[]): Promise<MigrateReport> {
  const results: FunctionResult[] = [];
  const selected: ScopedTarget[] = [];
  for (const target of targets) {
    for (const absolute of sourceFiles([target.file], skipped)) {
      const display = displayOf(absolute);
      const file = project.getSourceFileOrThrow(absolute);
      const error = syntaxError(file, display);
      if (error !== undefined) results.push(parseFailure(display, error));
      else {
        const functions = select(file, target.selector);
        if (functions.length === 0 && target.selector !== undefined) results.push(noSuchFunction(display, target.selector));
        selected.push({ file, display, functions });
      }
    }
  }
  const plan = planScopedRun(
    selected,
    { keepLegacyExport: options.keepLegacyExport === true, entry: options.to === "entry", verdictsOnly: options.verdictsOnly === true },
    (f) => displayOf(f.getFilePath()),
  );
  results.push(...plan.results);
  const changes: FileChange[] = [];
  for (const [file, state] of plan.files) {
    const before = file.getFullText();
    const edits = [...state.edits.edits, ...state.imports.edits(state.needed)];
    if (edits.length === 0) continue;
    try {
      const applied = applyEdits(before, edits);
      const formatted = await formatRanges(file.getFilePath(), applied.text, applied.ranges);
      const after = pruneImports(file.getFilePath(), before, formatted);
      if (after !== before) changes.push({ file: file.getFilePath(), before, after });
    } catch (error) {
      results.push(internalFailure(displayOf(file.getFilePath()), error));
    }
  }
  return { results, changes, skipped };
}

