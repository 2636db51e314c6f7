/** `--to scoped` and `--entry` across a project: the heavy half of {@link migrate}, loaded when one of them runs. */
import { Node, type Project } from "ts-morph";
import { planScopedRun, type ScopedTarget } from "../to-scoped/migrate-scoped.ts";
import { applyEdits } from "./edits.ts";
import { formatRanges } from "./format.ts";
import { functionsAndAccessorsOf, isAccessor, isFunctionNode, lineOf, nameOf, selectAmong, type Accessor } from "./functions.ts";
import { Refusal } from "./refusal.ts";
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
        const found = selectAmong(functionsAndAccessorsOf(file), target.selector);
        if (found.length === 0 && target.selector !== undefined) results.push(noSuchFunction(display, target.selector));
        const accessors = found.filter(isAccessor).filter((a) => target.selector !== undefined || returnsPromise(a));
        results.push(...accessors.map((a) => accessorRefusal(a, display)));
        selected.push({ file, display, functions: found.filter(isFunctionNode) });
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
      const formatted = await formatRanges(file.getFilePath(), applied.text, applied.ranges, before);
      const after = pruneImports(file.getFilePath(), before, formatted);
      if (after !== before) changes.push({ file: file.getFilePath(), before, after });
    } catch (error) {
      results.push(internalFailure(displayOf(file.getFilePath()), error));
    }
  }
  return { results, changes, skipped };
}

/** A getter or setter returning a promise cannot take a `cx` (its readers read a property): refused, with what to do. */
function accessorRefusal(accessor: Accessor, display: string): FunctionResult {
  const kind = Node.isGetAccessorDeclaration(accessor) ? "getter" : "setter";
  const why = `\`${nameOf(accessor)}\` is a ${kind}: it cannot take cx (its readers read a property); make it a method and migrate that, or leave it as it is`;
  return { file: display, function: nameOf(accessor), line: lineOf(accessor), outcome: "refused", reason: new Refusal("accessor", why, accessor).reason(), notes: [] };
}

function returnsPromise(accessor: Accessor): boolean {
  return Node.isGetAccessorDeclaration(accessor) && accessor.getReturnType().getSymbol()?.getName() === "Promise";
}
