/** `--to scoped` and `--entry` across a project: the heavy half of {@link migrate}, loaded when one of them runs. */
import type { Project } from "ts-morph";
import { planScopedRun, type ScopedTarget } from "../to-scoped/migrate-scoped.ts";
import { applyEdits } from "./edits.ts";
import { formatRanges } from "./format.ts";
import { select } from "./functions.ts";
import type { FileChange, MigrateOptions, MigrateReport } from "./migrate.ts";
import { syntaxError } from "./project.ts";
import { pruneImports } from "./prune-imports.ts";
import { displayOf, internalFailure, noSuchFunction, parseFailure, type FunctionResult } from "./result.ts";
import { sourceFiles, type Skipped } from "./source-files.ts";
import type { Target } from "./targets.ts";

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
    {
      keepLegacyExport: options.keepLegacyExport === true,
      entry: options.to === "entry",
      verdictsOnly: options.verdictsOnly === true,
      callers: options.callers === true,
      ...(options.refuse === undefined ? {} : { refuse: options.refuse }),
    },
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
