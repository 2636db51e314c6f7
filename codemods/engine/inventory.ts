/**
 * What `scan` learns, in one project and one thread: each file's `--to async` verdicts (file by file, as `migrate`
 * decides them), each named function's style and calls, the files that start a program, then the `--to scoped`
 * verdicts (a dry run across the project). Both stages read the same parsed, bound and checked files: on a
 * 2,000-file tree that takes about a quarter less than deciding them at once on two threads, each with its own
 * project, as the compiler's work is then done twice.
 */
import { Node, SyntaxKind, ts, type CallExpression, type SourceFile } from "ts-morph";
import { hasOwnChain, outsideBoundary } from "../to-async/analysis.ts";
import { callbackParam } from "../to-async/callback-param.ts";
import { planToAsync } from "../to-async/plan.ts";
import { returnsPromise } from "../to-async/returns-promise.ts";
import { functionOf, isAlreadyScoped } from "../to-scoped/world.ts";
import { functionsOf, isFunctionNode, lineOf, nameOf, type FunctionNode } from "./functions.ts";
import { migrateFile } from "./migrate-file.ts";
import { migrateProject } from "./migrate-project.ts";
import { openProject, syntaxError } from "./project.ts";
import { displayOf, internalFailure, type FunctionResult } from "./result.ts";
import { verdicts, type FileInventory, type Inventory, type ScanProgress, type Style } from "./scan.ts";
import { sourceFiles } from "./source-files.ts";
import { parseTarget } from "./targets.ts";
import { findAll, wrap } from "./walk.ts";

/**
 * Stage 1's verdicts and every named function's style and calls, for the files of `stageOne` (absolute, default:
 * every file under `paths`); and the `--to scoped` verdicts of every function under `paths`, decided across the
 * project, when `stageTwo` (a shard or a cache asks for less than the whole tree; stage 2 always reads all of it).
 */
export async function inventory(
  paths: readonly string[],
  tsconfig?: string,
  progress?: ScanProgress,
  { stageOne, stageTwo = true }: { stageOne?: readonly string[]; stageTwo?: boolean } = {},
): Promise<Inventory> {
  const project = openProject(paths, tsconfig, true);
  const files = stageOne ?? sourceFiles(paths);
  const read: FileInventory[] = [];
  for (const [index, absolute] of files.entries()) {
    const file = project.getSourceFileOrThrow(absolute);
    const display = displayOf(absolute);
    const mine: FileInventory = { file: display, functions: [], errors: [], entry: false };
    read.push(mine);
    const error = syntaxError(file, display);
    if (error !== undefined) mine.errors.push({ file: display, message: error });
    else {
      const asyncResults: FunctionResult[] = [];
      // A bug of ours in stage 1 costs this file's verdicts (reported with the errors), never the scan.
      await migrateFile(file, display, undefined, planToAsync, asyncResults).catch((failure: unknown) => {
        mine.errors.push({ file: display, message: internalFailure(display, failure).reason!.message });
      });
      mine.entry = hasMainCall(file);
      const asyncOf = verdicts(asyncResults);
      for (const fn of functionsOf(file)) {
        const name = nameOf(fn);
        if (name === "<anonymous>") continue;
        const found = { file: display, function: name, line: lineOf(fn), style: styleOf(fn), calls: callsOf(fn) };
        mine.functions.push({ ...found, async: asyncOf(found) });
      }
    }
    progress?.(index + 1, files.length, "files read");
  }
  if (!stageTwo) return { files: read };
  progress?.(files.length, files.length, "files read; deciding --to scoped across the project");
  const options = { targets: paths, to: "scoped" as const, verdictsOnly: true, ...(tsconfig === undefined ? {} : { tsconfig }) };
  const scopedRun = await migrateProject(project, paths.map(parseTarget), options, []);
  return { files: read, scoped: scopedRun.results };
}

/**
 * How a function is written: its waits are callbacks (it takes an err-first callback, in any shape), chains, awaits,
 * or scoped (taking a `Cx`); `promise` if it returns a promise without any of those; mixed if several.
 */
function styleOf(fn: FunctionNode): Style {
  if (isAlreadyScoped(fn)) return "scoped";
  const kinds = new Set<Style>();
  if (fn.isAsync()) kinds.add("async");
  if (callbackParam(fn) !== undefined) kinds.add("callback");
  if (hasOwnChain(fn)) kinds.add("chain");
  if (kinds.size === 0) return returnsPromise(fn) ? "promise" : "sync";
  return kinds.size === 1 ? [...kinds][0]! : "mixed";
}

/**
 * The project's functions `fn` calls: in its own body and in the nested functions scan does not report on their own
 * (callbacks given to `.then`, `.map`, an err-first API), whose calls are made on its behalf. A nested function scan
 * reports (named, a method, a class's) keeps its calls.
 */
function callsOf(fn: FunctionNode): string[] {
  const calls = new Set<string>();
  const enter = (node: ts.Node): boolean => outsideBoundary(node) || isAnonymousFunction(wrap(fn, node));
  for (const call of findAll(fn, ts.isCallExpression, enter)) {
    const callee = functionOf((call as CallExpression).getExpression());
    if (callee !== undefined && !callee.getSourceFile().isInNodeModules() && !callee.getSourceFile().isDeclarationFile()) {
      calls.add(`${displayOf(callee.getSourceFile().getFilePath())}:${nameOf(callee)}`);
    }
  }
  return [...calls].sort();
}

function isAnonymousFunction(node: Node): boolean {
  return isFunctionNode(node) && nameOf(node) === "<anonymous>";
}

/** A top-level call of a function, possibly under `.catch(...)`/`void`/`await`: the file starts a program. */
function hasMainCall(file: SourceFile): boolean {
  return file.getStatements().some((s) => {
    if (!Node.isExpressionStatement(s)) return false;
    const calls = s.getDescendantsOfKind(SyntaxKind.CallExpression);
    return calls.some((c) => Node.isIdentifier(c.getExpression()) && functionOf(c.getExpression()) !== undefined && functionOf(c.getExpression())!.isAsync());
  });
}
