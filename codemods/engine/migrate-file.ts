/**
 * The per-file engine of the stages that decide function by function (`--to async`): select functions, run the
 * stage's eligibility check on each, collect the file's edits and apply them once, format what was written, and
 * report one result per function. Nothing is written here. The new text is formatted by `formatter`, which may
 * wait to format several files at once.
 */
import type { SourceFile } from "ts-morph";
import type { Rewrite } from "../to-async/plan.ts";
import { applyEdits, type Edit } from "./edits.ts";
import type { Formatter } from "./format.ts";
import { FileImports, type Import } from "./imports.ts";
import { lineOf, nameOf, select, type FunctionNode } from "./functions.ts";
import { Refusal } from "./refusal.ts";
import { functionKey, noSuchFunction, type FunctionResult, type Reason } from "./result.ts";

/**
 * Rewrite the selected functions of one file, innermost first. A function rewritten inside another one's rewritten
 * code (a chain in a handler of a chain) is absorbed: the outer rewrite copies that code with the inner edits
 * applied, so one run reaches a fixed point.
 */
export async function migrateFile(
  file: SourceFile,
  display: string,
  selector: string | number | undefined,
  plan: Planner,
  results: FunctionResult[],
  formatter?: Formatter,
): Promise<string> {
  // The nodes the analysis wraps stay until the project is dropped (migrate-chunk.ts): releasing them file by file
  // cost more than the analysis saved, as ts-morph wraps a node's parent again to release it.
  const { text, ranges } = planFile(file, display, selector, plan, results);
  return ranges === undefined || formatter === undefined ? text : formatter.format(file.getFilePath(), text, ranges);
}

/** The file's new text and the ranges to format (none when nothing changes). */
function planFile(
  file: SourceFile,
  display: string,
  selector: string | number | undefined,
  plan: Planner,
  results: FunctionResult[],
): { text: string; edits: Edit[]; ranges?: { start: number; end: number }[] } {
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
  if (edits.length === 0) return { text, edits };
  const applied = applyEdits(text, [...edits, ...imports.edits(added)]);
  return { text: applied.text, edits, ranges: applied.ranges };
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

export type Planner = (fn: FunctionNode, inner: readonly Edit[], imports: FileImports) => Rewrite | undefined;

/** `plan`, except that the functions in `refuse` (by {@link functionKey}) are refused with the reason given. */
export function refusing(plan: Planner, display: string, refuse: Readonly<Record<string, Reason>> | undefined): Planner {
  if (refuse === undefined) return plan;
  return (fn, inner, imports) => {
    const reason = refuse[functionKey({ file: display, line: lineOf(fn), function: nameOf(fn) })];
    if (reason !== undefined) throw new Refusal(reason.code, reason.message, fn);
    return plan(fn, inner, imports);
  };
}

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
    if (error instanceof Refusal) return { entry: { ...base, outcome: "refused", reason: error.reason(), notes: [] } };
    const message = error instanceof Error ? error.message : String(error);
    return { entry: { ...base, outcome: "error", reason: { code: "internal-error", message }, notes: [] } };
  }
}
