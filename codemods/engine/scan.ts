/**
 * `corral scan`: an inventory of every function under the given paths: its style, what each stage would do (from
 * the same eligibility checks `migrate` runs, in a dry run), the calls between functions of the project, and a
 * suggested order (trio-asyncio's path: the entry inside `run()`, then `--to async`, then `--to scoped` from the
 * leaves of the call graph up, so each caller can call the functions below it natively).
 */
import path from "node:path";
import { Node, SyntaxKind, type SourceFile } from "ts-morph";
import { isBoundary } from "../to-async/analysis.ts";
import { callbackParam } from "../to-async/err-first.ts";
import { functionsOf, lineOf, nameOf, type FunctionNode } from "./functions.ts";
import { migrate } from "./migrate.ts";
import { openProject, sourceFiles, syntaxError, type Skipped } from "./project.ts";
import type { FunctionResult, Reason } from "./result.ts";
import { walk } from "./walk.ts";
import { functionOf, isAlreadyScoped } from "../to-scoped/world.ts";

export type Style = "scoped" | "async" | "chain" | "callback" | "mixed" | "sync";

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
  /** Files that cannot be read (a syntax error), with where. */
  errors: { file: string; message: string }[];
  /** Files and folders not read: symbolic link loops, files over the size limit, binary files. */
  skipped: Skipped[];
  /** The steps to take, in order: a `corral migrate` command line each. */
  order: string[];
}

export async function scan(paths: readonly string[], tsconfig?: string, onProgress?: (done: number, total: number) => void): Promise<ScanReport> {
  const config = tsconfig === undefined ? {} : { tsconfig };
  const asyncRun = await migrate({ targets: paths, to: "async", verdictsOnly: true, ...config, ...(onProgress === undefined ? {} : { onProgress }) });
  const scopedRun = await migrate({ targets: paths, to: "scoped", verdictsOnly: true, ...config });
  const index = (results: FunctionResult[]) => new Map(results.map((r) => [`${r.file}:${r.line}:${r.function}`, r]));
  const [asyncResults, scopedResults] = [index(asyncRun.results), index(scopedRun.results)];
  const verdict = (results: Map<string, FunctionResult>, file: string, fn: FunctionNode): StageVerdict => {
    const found = results.get(`${file}:${lineOf(fn)}:${nameOf(fn)}`);
    return { outcome: found?.outcome ?? "unchanged", reason: found?.reason ?? null };
  };
  const project = openProject(paths, tsconfig);
  const functions: ScannedFunction[] = [];
  const errors: ScanReport["errors"] = [];
  const entries: string[] = [];
  const skipped: Skipped[] = [];
  for (const absolute of sourceFiles(paths, skipped)) {
    const file = project.getSourceFileOrThrow(absolute);
    const display = path.relative(process.cwd(), absolute) || absolute;
    const error = syntaxError(file, display);
    if (error !== undefined) {
      errors.push({ file: display, message: error });
      continue;
    }
    if (hasMainCall(file)) entries.push(display);
    for (const fn of functionsOf(file)) {
      if (nameOf(fn) === "<anonymous>") continue;
      functions.push({
        file: display,
        function: nameOf(fn),
        line: lineOf(fn),
        style: styleOf(fn),
        async: verdict(asyncResults, display, fn),
        scoped: verdict(scopedResults, display, fn),
        calls: callsOf(fn),
      });
    }
  }
  return { functions, errors, skipped, order: suggestedOrder(functions, entries) };
}

/** How a function is written: its waits are callbacks, chains, awaits, or scoped (taking a `Cx`); mixed if several. */
function styleOf(fn: FunctionNode): Style {
  if (isAlreadyScoped(fn)) return "scoped";
  const kinds = new Set<Style>();
  if (fn.isAsync()) kinds.add("async");
  if (callbackParam(fn) !== undefined) kinds.add("callback");
  walk(fn, (node) => {
    if (isBoundary(node)) return "skip";
    if (Node.isPropertyAccessExpression(node) && ["then", "catch", "finally"].includes(node.getName()) && Node.isCallExpression(node.getParent())) kinds.add("chain");
    return undefined;
  });
  if (kinds.size === 0) return "sync";
  return kinds.size === 1 ? [...kinds][0]! : "mixed";
}

function callsOf(fn: FunctionNode): string[] {
  const calls = new Set<string>();
  walk(fn, (node) => {
    if (isBoundary(node)) return "skip";
    if (Node.isCallExpression(node)) {
      const callee = functionOf(node.getExpression());
      if (callee !== undefined && !callee.getSourceFile().isInNodeModules() && !callee.getSourceFile().isDeclarationFile()) {
        calls.add(`${path.relative(process.cwd(), callee.getSourceFile().getFilePath())}:${nameOf(callee)}`);
      }
    }
    return undefined;
  });
  return [...calls].sort();
}

/** A top-level call of a function, possibly under `.catch(...)`/`void`/`await`: the file starts a program. */
function hasMainCall(file: SourceFile): boolean {
  return file.getStatements().some((s) => {
    if (!Node.isExpressionStatement(s)) return false;
    const calls = s.getDescendantsOfKind(SyntaxKind.CallExpression);
    return calls.some((c) => Node.isIdentifier(c.getExpression()) && functionOf(c.getExpression()) !== undefined && functionOf(c.getExpression())!.isAsync());
  });
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
