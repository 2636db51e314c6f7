/**
 * `corral scan`: an inventory of every function under the given paths: its style, what each stage would do (from
 * the same eligibility checks `migrate` runs, in a dry run), the calls between functions of the project, and a
 * suggested order (trio-asyncio's path: the entry inside `run()`, then `--to async`, then `--to scoped` from the
 * leaves of the call graph up, so each caller can call the functions below it natively).
 */
import os from "node:os";
import path from "node:path";
import { Node, SyntaxKind, ts, type CallExpression, type SourceFile } from "ts-morph";
import { findOwn, outsideBoundary } from "../to-async/analysis.ts";
import { callbackParam } from "../to-async/err-first.ts";
import { functionsOf, lineOf, nameOf, type FunctionNode } from "./functions.ts";
import { PARALLEL_FROM } from "./file-stage.ts";
import { migrate, migrateProject } from "./migrate.ts";
import { openProject, sourceFiles, syntaxError, type Skipped } from "./project.ts";
import type { FunctionResult, Reason } from "./result.ts";
import { parseTarget } from "./targets.ts";
import { onWorker } from "./worker.ts";
import { findAll } from "./walk.ts";
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

/** What scan learns across the project (stage 2's verdicts, styles, calls, entries): all but stage 1's verdicts. */
export interface Inventory {
  functions: Omit<ScannedFunction, "async">[];
  errors: ScanReport["errors"];
  skipped: Skipped[];
  /** Files that start a program (a top-level call of an async function). */
  entries: string[];
}

/**
 * Scan `paths`. Stage 1 is decided file by file, stage 2 and the inventory across the project; on a large tree the
 * two run at once on worker threads (stage 1 on every core but one), so the scan takes about as long as the
 * longer of the two.
 */
export async function scan(paths: readonly string[], tsconfig?: string, onProgress?: (done: number, total: number) => void): Promise<ScanReport> {
  const large = sourceFiles(paths).length >= PARALLEL_FROM;
  const stageOne = migrate({
    targets: paths,
    to: "async",
    verdictsOnly: true,
    offThread: large,
    ...(large ? { jobs: Math.max(1, os.availableParallelism() - 1) } : {}),
    ...(tsconfig === undefined ? {} : { tsconfig }),
    ...(onProgress === undefined ? {} : { onProgress }),
  });
  const found = large ? onWorker<Inventory>(new URL("./scan-worker.js", import.meta.url), { paths, tsconfig }) : inventory(paths, tsconfig);
  const [asyncRun, { functions, errors, skipped, entries }] = await Promise.all([stageOne, found]);
  const asyncResults = new Map(asyncRun.results.map((r) => [`${r.file}:${r.line}:${r.function}`, r]));
  const scanned = functions.map((fn): ScannedFunction => {
    const found = asyncResults.get(`${fn.file}:${fn.line}:${fn.function}`);
    const async = { outcome: found?.outcome ?? "unchanged", reason: found?.reason ?? null };
    return { file: fn.file, function: fn.function, line: fn.line, style: fn.style, async, scoped: fn.scoped, calls: fn.calls };
  });
  return { functions: scanned, errors, skipped, order: suggestedOrder(scanned, entries) };
}

/** Stage 2's verdicts (a dry run across the project) and every named function's style and calls, in one project. */
export async function inventory(paths: readonly string[], tsconfig?: string): Promise<Inventory> {
  const project = openProject(paths, tsconfig, true);
  const skipped: Skipped[] = [];
  const options = { targets: paths, to: "scoped" as const, verdictsOnly: true, ...(tsconfig === undefined ? {} : { tsconfig }) };
  const scopedRun = await migrateProject(project, paths.map(parseTarget), options, []);
  const scopedResults = new Map(scopedRun.results.map((r) => [`${r.file}:${r.line}:${r.function}`, r]));
  const functions: Inventory["functions"] = [];
  const errors: ScanReport["errors"] = [];
  const entries: string[] = [];
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
      const name = nameOf(fn);
      if (name === "<anonymous>") continue;
      const found = scopedResults.get(`${display}:${lineOf(fn)}:${name}`);
      functions.push({
        file: display,
        function: name,
        line: lineOf(fn),
        style: styleOf(fn),
        scoped: { outcome: found?.outcome ?? "unchanged", reason: found?.reason ?? null },
        calls: callsOf(fn),
      });
    }
  }
  return { functions, errors, skipped, entries };
}

/** How a function is written: its waits are callbacks, chains, awaits, or scoped (taking a `Cx`); mixed if several. */
function styleOf(fn: FunctionNode): Style {
  if (isAlreadyScoped(fn)) return "scoped";
  const kinds = new Set<Style>();
  if (fn.isAsync()) kinds.add("async");
  if (callbackParam(fn) !== undefined) kinds.add("callback");
  const link = (node: ts.Node): boolean =>
    ts.isPropertyAccessExpression(node) && ["then", "catch", "finally"].includes(node.name.text) && ts.isCallExpression(node.parent);
  if (findOwn(fn, link) !== undefined) kinds.add("chain");
  if (kinds.size === 0) return "sync";
  return kinds.size === 1 ? [...kinds][0]! : "mixed";
}

function callsOf(fn: FunctionNode): string[] {
  const calls = new Set<string>();
  for (const call of findAll(fn, ts.isCallExpression, outsideBoundary)) {
    const callee = functionOf((call as CallExpression).getExpression());
    if (callee !== undefined && !callee.getSourceFile().isInNodeModules() && !callee.getSourceFile().isDeclarationFile()) {
      calls.add(`${path.relative(process.cwd(), callee.getSourceFile().getFilePath())}:${nameOf(callee)}`);
    }
  }
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
