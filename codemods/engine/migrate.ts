/**
 * The migration engine: select functions, run one transform's eligibility check on each, collect the edits of a
 * file and apply them once, format what was written, and report one result per function. Nothing is written
 * here; the caller shows a diff or writes the files.
 */
import path from "node:path";
import type { Project, SourceFile } from "ts-morph";
import { planToAsync, type Rewrite } from "../to-async/plan.ts";
import { applyEdits, type Edit } from "./edits.ts";
import { formatRanges } from "./format.ts";
import { pruneImports } from "./prune-imports.ts";
import { FileImports, type Import } from "./imports.ts";
import { lineOf, nameOf, type FunctionNode } from "./functions.ts";
import { openProject, sourceFiles, syntaxError, type Skipped } from "./project.ts";
import { Refusal } from "./refusal.ts";
import type { FunctionResult } from "./result.ts";
import { parseTarget, select, type Target } from "./targets.ts";
import { planScopedRun, type ScopedTarget } from "../to-scoped/migrate-scoped.ts";

/** `async`: callbacks and chains to async/await; `scoped`: async functions to scoped ones; `entry`: main in `run()`. */
export type Stage = "async" | "scoped" | "entry";

export interface MigrateOptions {
  /** `file:function`, `file:Class.method`, `file:LINE`, or files and folders (every function in them). */
  targets: readonly string[];
  to: Stage;
  tsconfig?: string;
  /** `--to scoped`: exported functions keep their old signature beside the scoped version (`fScoped`). */
  keepLegacyExport?: boolean;
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
  const project = openProject(
    targets.map((t) => t.file),
    options.tsconfig,
    options.to !== "async",
  );
  const skipped: Skipped[] = [];
  if (options.to !== "async") return migrateProject(project, targets, options, skipped);
  const results: FunctionResult[] = [];
  const changes: FileChange[] = [];
  for (const target of targets) {
    for (const absolute of sourceFiles([target.file], skipped)) {
      const display = displayOf(absolute);
      const file = project.getSourceFileOrThrow(absolute);
      const error = syntaxError(file, display);
      if (error !== undefined) {
        results.push(parseFailure(display, error));
        continue;
      }
      const before = file.getFullText();
      try {
        const after = await migrateFile(file, display, target.selector, planToAsync, results);
        if (after !== before) changes.push({ file: absolute, before, after });
      } catch (error) {
        results.push(internalFailure(display, error));
      }
    }
  }
  return { results, changes, skipped };
}

/**
 * `--to scoped` and `--entry`: decided across the project (a function's callers change with it), then each
 * changed file is written once and formatted.
 */
async function migrateProject(project: Project, targets: readonly Target[], options: MigrateOptions, skipped: Skipped[]): Promise<MigrateReport> {
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
  const plan = planScopedRun(selected, { keepLegacyExport: options.keepLegacyExport === true, entry: options.to === "entry" }, (f) => displayOf(f.getFilePath()));
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

function displayOf(absolute: string): string {
  return path.relative(process.cwd(), absolute) || absolute;
}

function parseFailure(display: string, error: string): FunctionResult {
  return { file: display, function: "", line: 0, outcome: "error", reason: { code: "parse-error", message: `${error}; the file was left untouched` }, notes: [] };
}

/** A bug of ours (the rewrite did not format, say) costs this file, never the run or the file's contents. */
function internalFailure(display: string, error: unknown): FunctionResult {
  const message = `${display}: ${error instanceof Error ? error.message.split("\n")[0] : String(error)}; the file was left untouched`;
  return { file: display, function: "", line: 0, outcome: "error", reason: { code: "internal-error", message }, notes: [] };
}

function noSuchFunction(display: string, selector: string | number): FunctionResult {
  const message = `${display}:${selector}: no function ${typeof selector === "number" ? "contains line" : "is named"} ${selector}`;
  return { file: display, function: String(selector), line: 0, outcome: "error", reason: { code: "no-such-function", message }, notes: [] };
}

/**
 * Rewrite the selected functions of one file, innermost first. A function rewritten inside another one's rewritten
 * code (a chain in a handler of a chain) is absorbed: the outer rewrite copies that code with the inner edits
 * applied, so one run reaches a fixed point.
 */
async function migrateFile(
  file: SourceFile,
  display: string,
  selector: string | number | undefined,
  plan: Planner,
  results: FunctionResult[],
): Promise<string> {
  const text = file.getFullText();
  let edits: Edit[] = [];
  const entries: { fn: FunctionNode; entry: FunctionResult }[] = [];
  const inlined = new Set<object>();
  const imports = new FileImports(file);
  const added: Import[] = [];
  const selected = select(file, selector);
  if (selected.length === 0 && selector !== undefined) results.push(noSuchFunction(display, selector));
  for (const fn of selected.reverse()) {
    const inner = edits.filter((e) => e.start >= fn.getStart() && e.end <= fn.getEnd());
    const result = check(fn, display, (f) => {
      const rewrite = plan(f, inner, imports);
      if (rewrite !== undefined) refuseOverlaps(rewrite.edits, edits, f);
      return rewrite;
    });
    // An anonymous callback with nothing to do is not worth a line (there are many); anything else is reported.
    if (result.entry.outcome !== "unchanged" || result.entry.function !== "<anonymous>") entries.push({ fn, entry: result.entry });
    const rewrite = result.rewrite;
    if (rewrite === undefined) continue;
    for (const edit of rewrite.edits) edit.owner = fn;
    for (const handler of rewrite.inlined) inlined.add(handler);
    added.push(...rewrite.imports);
    const absorbed = (e: Edit): boolean => rewrite.edits.some((r) => e.start >= r.start && e.end <= r.end && !(e.start === r.start && e.end === r.end && e === r));
    edits = [...edits.filter((e) => !absorbed(e)), ...rewrite.edits];
  }
  results.push(...entries.reverse().filter(({ fn }) => !inlined.has(fn)).map(({ entry }) => entry));
  if (edits.length === 0) return text;
  const applied = applyEdits(text, [...edits, ...imports.edits(added)]);
  return formatRanges(file.getFilePath(), applied.text, applied.ranges);
}

/**
 * A rewrite may contain earlier (inner) edits whole, and absorbs them; any other overlap (a call site it edits
 * inside a function rewritten already) would lose one of the two, so the later rewrite is refused.
 */
function refuseOverlaps(mine: readonly Edit[], earlier: readonly Edit[], fn: FunctionNode): void {
  for (const edit of mine) {
    for (const other of earlier) {
      const contains = other.start >= edit.start && other.end <= edit.end && !(other.start === edit.start && other.end === edit.end && other.start !== other.end);
      const apart = other.end <= edit.start || other.start >= edit.end;
      if (!apart && !contains) {
        throw new Refusal(
          "overlapping-rewrites",
          "this rewrite edits code another rewrite in the same run changed; migrate one, then run again for the other",
          fn,
        );
      }
    }
  }
}

type Planner = (fn: FunctionNode, inner: readonly Edit[], imports: FileImports) => Rewrite | undefined;

function check(
  fn: FunctionNode,
  display: string,
  plan: (fn: FunctionNode) => Rewrite | undefined,
): { entry: FunctionResult; rewrite?: Rewrite } {
  const base = { file: display, function: nameOf(fn), line: lineOf(fn) };
  try {
    const rewrite = plan(fn);
    if (rewrite === undefined) return { entry: { ...base, outcome: "unchanged", notes: [] } };
    return { entry: { ...base, outcome: "changed", notes: rewrite.notes }, rewrite };
  } catch (error) {
    if (error instanceof Refusal) return { entry: { ...base, outcome: "refused", reason: error.reason(display), notes: [] } };
    const message = error instanceof Error ? error.message : String(error);
    return { entry: { ...base, outcome: "error", reason: { code: "internal-error", message }, notes: [] } };
  }
}
