/**
 * The per-file engine of the stages that decide function by function (`--to async`): select functions, run the
 * stage's eligibility check on each, collect the file's edits and apply them once, format what was written, and
 * report one result per function. Nothing is written here. The new text is formatted by `formatter`, which may
 * wait to format several files at once.
 */
import { Node, type SourceFile } from "ts-morph";
import type { Rewrite } from "../to-async/plan.ts";
import { applyEdits, type Edit } from "./edits.ts";
import type { Formatter } from "./format.ts";
import { FileImports, type Import } from "./imports.ts";
import { functionsAndAccessorsOf, lineOf, nameOf, selectAmong, type Candidate } from "./functions.ts";
import { planOrder } from "./plan-order.ts";
import { pruneImports } from "./prune-imports.ts";
import { Refusal, Unchanged } from "./refusal.ts";
import { functionKey, noSuchFunction, type FunctionResult, type Reason } from "./result.ts";

/**
 * Rewrite the selected functions of one file, innermost first, callees before callers (plan-order.ts). A function rewritten inside another one's rewritten
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
  if (ranges === undefined || formatter === undefined) return text;
  // An import only the rewritten code used (the `async` library's, once its helpers became loops) goes with it.
  const original = file.getFullText();
  return pruneImports(file.getFilePath(), original, await formatter.format(file.getFilePath(), text, ranges, original));
}

/** A file's new text, its edits, and the ranges to format (none when nothing changes). */
interface Planned {
  text: string;
  edits: Edit[];
  ranges?: { start: number; end: number }[];
}

/**
 * The file's new text and the ranges to format (none when nothing changes). Refusals settle in a fixpoint: a plan
 * the engine drops after it was made (its edits overlap another rewrite's) may have been seen by the plans after it
 * (an err-first function made async is called natively by its callers), so the file is planned again with that
 * function refused from the start, until no plan is dropped: every caller is written against its callee's final
 * outcome.
 */
function planFile(
  file: SourceFile,
  display: string,
  selector: string | number | undefined,
  plan: Planner,
  results: FunctionResult[],
): Planned {
  const selected = selectAmong(functionsAndAccessorsOf(file), selector);
  if (selected.length === 0 && selector !== undefined) results.push(noSuchFunction(display, selector));
  const settled = new Map<Candidate, Refusal>();
  for (;;) {
    const round = planRound(file, display, selected, plan, settled);
    if (round.dropped.size === 0 && round.mistaken.size === 0) {
      results.push(...round.results);
      return round.planned;
    }
    for (const [fn, refusal] of [...round.dropped, ...round.mistaken]) settled.set(fn, refusal);
  }
}

/**
 * One planning of the file's functions, in {@link planOrder}; `settled` are refused before they are planned. `dropped`:
 * the functions planned, then refused by the engine, this round; `mistaken`: the functions a caller planned before
 * them (they call each other) took to become async, and that were refused.
 */
function planRound(
  file: SourceFile,
  display: string,
  selected: readonly Candidate[],
  plan: Planner,
  settled: ReadonlyMap<Candidate, Refusal>,
): { planned: Planned; results: FunctionResult[]; dropped: Map<Candidate, Refusal>; mistaken: Map<Candidate, Refusal> } {
  const text = file.getFullText();
  let edits: Edit[] = [];
  const entries = new Map<Candidate, FunctionResult>();
  const inlined = new Set<object>();
  const imports = new FileImports(file);
  const added: { fn: Candidate; imports: Import[] }[] = [];
  const dropped = new Map<Candidate, Refusal>();
  const refusals = new Map<Candidate, Refusal>();
  for (const fn of selected) if (Node.isFunctionDeclaration(fn) && fn.getName() !== undefined && !settled.has(fn)) imports.pending.add(fn.getName()!);
  for (const fn of planOrder(selected)) {
    if (Node.isFunctionDeclaration(fn)) imports.pending.delete(fn.getName() ?? "");
    const inner = edits.filter((e) => e.start >= fn.getStart() && e.end <= fn.getEnd());
    const result = check(fn, display, (f) => {
      const refused = settled.get(f);
      if (refused !== undefined) throw refused;
      let rewrite: Rewrite | undefined;
      try {
        rewrite = plan(f, inner, imports);
      } catch (error) {
        if (error instanceof Refusal) refusals.set(f, error);
        throw error;
      }
      const overlap = rewrite === undefined ? undefined : overlapOf(rewrite.edits, edits, f);
      if (overlap !== undefined) {
        dropped.set(f, overlap);
        throw overlap;
      }
      return rewrite;
    });
    // An anonymous callback with nothing to do is not worth a line (there are many); anything else is reported.
    if (result.entry.outcome !== "unchanged" || result.entry.function !== "<anonymous>") entries.set(fn, result.entry);
    const rewrite = result.rewrite;
    if (rewrite === undefined) continue;
    for (const edit of rewrite.edits) edit.owner = fn;
    for (const handler of rewrite.inlined) inlined.add(handler);
    added.push({ fn, imports: rewrite.imports });
    // (an insertion contains nothing: two rewrites may insert at the same place, one after the other)
    const absorbed = (e: Edit): boolean => rewrite.edits.some((r) => r.start < r.end && e.start >= r.start && e.end <= r.end);
    edits = [...edits.filter((e) => !absorbed(e)), ...rewrite.edits];
  }
  const results = selected.flatMap((fn) => (inlined.has(fn) ? [] : (entries.get(fn) ?? [])));
  const mistaken = new Map<Candidate, Refusal>();
  for (const fn of selected) {
    if (!Node.isFunctionDeclaration(fn) || !imports.assumed.has(fn.getName() ?? "") || entries.get(fn)?.outcome === "changed") continue;
    const why = "it keeps its callback form (nothing in it to rewrite), so its callers hand it their callback";
    mistaken.set(fn, refusals.get(fn) ?? new Refusal("callback-function-kept", why, fn));
  }
  if (edits.length === 0) return { planned: { text, edits }, results, dropped, mistaken };
  // A handler moved inline was written again by the rewrite that moved it: its own rewrite's imports are not needed;
  // nor are those of edits an outer rewrite absorbed (`callbackify(f)` at a call site it rewrote to call f natively).
  const kept = imports.used(
    added.filter(({ fn }) => !inlined.has(fn)).flatMap(({ imports }) => imports),
    edits,
  );
  const applied = applyEdits(text, [...edits, ...imports.edits(kept)]);
  return { planned: { text: applied.text, edits, ranges: applied.ranges }, results, dropped, mistaken };
}

/**
 * A rewrite may contain earlier (inner) edits whole, and absorbs them; any other overlap (a call site it edits
 * inside a function rewritten already) would lose one of the two, so the later rewrite is refused.
 */
function overlapOf(mine: readonly Edit[], earlier: readonly Edit[], fn: Candidate): Refusal | undefined {
  for (const edit of mine) {
    for (const other of earlier) {
      const contains = other.start >= edit.start && other.end <= edit.end && !(other.start === edit.start && other.end === edit.end && other.start !== other.end);
      const apart = other.end <= edit.start || other.start >= edit.end;
      if (!apart && !contains) {
        return new Refusal(
          "overlapping-rewrites",
          "this rewrite edits code another rewrite in the same run changed; migrate one, then run again for the other",
          fn,
        );
      }
    }
  }
  return undefined;
}

export type Planner = (fn: Candidate, inner: readonly Edit[], imports: FileImports) => Rewrite | undefined;

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
  fn: Candidate,
  display: string,
  plan: (fn: Candidate) => Rewrite | undefined,
): { entry: FunctionResult; rewrite?: Rewrite } {
  const base = { file: display, function: nameOf(fn), line: lineOf(fn) };
  try {
    const rewrite = plan(fn);
    if (rewrite === undefined) return { entry: { ...base, outcome: "unchanged", notes: [] } };
    return { entry: { ...base, outcome: "changed", notes: rewrite.notes }, rewrite };
  } catch (error) {
    if (error instanceof Unchanged) return { entry: { ...base, outcome: "unchanged", reason: error.reason(), notes: [] } };
    if (error instanceof Refusal) return { entry: { ...base, outcome: "refused", reason: error.reason(), notes: [] } };
    const message = error instanceof Error ? error.message : String(error);
    return { entry: { ...base, outcome: "error", reason: { code: "internal-error", message }, notes: [] } };
  }
}
