/**
 * What `scan` learns across the project, in one project: stage 2's verdicts (a dry run), each named function's
 * style and calls, and the files that start a program. Stage 1's verdicts come from the file-by-file stage.
 */
import path from "node:path";
import { Node, SyntaxKind, ts, type CallExpression, type SourceFile } from "ts-morph";
import { findOwn, outsideBoundary } from "../to-async/analysis.ts";
import { callbackParam } from "../to-async/err-first.ts";
import { functionOf, isAlreadyScoped } from "../to-scoped/world.ts";
import { functionsOf, lineOf, nameOf, type FunctionNode } from "./functions.ts";
import { migrateProject } from "./migrate-project.ts";
import { openProject, syntaxError } from "./project.ts";
import type { Inventory, ScanReport, Style } from "./scan.ts";
import { sourceFiles, type Skipped } from "./source-files.ts";
import { parseTarget } from "./targets.ts";
import { findAll } from "./walk.ts";

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
