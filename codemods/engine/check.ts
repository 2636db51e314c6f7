/**
 * `corral check`: hazards in scoped code (functions taking `cx: Cx`), each with `file:line:col` and a fix hint:
 * a catch that swallows `Cancelled`, an `await` of a foreign promise that is no checkpoint, a floating promise; and
 * across the line between scoped and legacy code, anywhere (`call-hazards.ts`): a scoped function called without
 * `cx` or with the wrong arity, a legacy wrapper given `cx`, a scoped function handed to legacy code. The same
 * facts `--to scoped` acts on, reported instead of rewritten.
 */
import path from "node:path";
import { Node, type Project } from "ts-morph";
import { isBoundary } from "../to-async/analysis.ts";
import { isCorralCall, isPromiseLike } from "../to-scoped/body.ts";
import { hasCheckpoint, rethrowsAlways } from "../to-scoped/catch-guard.ts";
import { callHazards, isCxType, passesCx } from "./call-hazards.ts";
import { combinatorHint } from "./combinator-hint.ts";
import { functionsOf, type FunctionNode } from "./functions.ts";
import { hazardAt, short, type Hazard } from "./hazard.ts";
import { openProject, syntaxError } from "./project.ts";
import { isScopedFunction, resolveCallable, unwrap } from "./resolve-callable.ts";
import { sourceFiles, type Skipped } from "./source-files.ts";
import { walk } from "./walk.ts";

/**
 * The hazards of the files under `paths` (callees are followed into the rest of the project), in file order. A file
 * in `texts` (by absolute path) is read with that text instead of its text on disk (an editor's unsaved buffer).
 */
export function check(
  paths: readonly string[],
  tsconfig?: string,
  texts: ReadonlyMap<string, string> = new Map(),
): { hazards: Hazard[]; errors: string[]; skipped: Skipped[] } {
  const project = openProject(paths, tsconfig, false, {}, texts);
  const skipped: Skipped[] = [];
  return { ...checkFiles(project, sourceFiles(paths, skipped)), skipped };
}

/**
 * {@link check} of `files` (absolute paths) in a project already open: for a caller that keeps one project and
 * changes a file's text between checks (the editor plugin), so the compiler reuses what did not change.
 */
export function checkFiles(project: Project, files: readonly string[]): { hazards: Hazard[]; errors: string[] } {
  const hazards: Hazard[] = [];
  const errors: string[] = [];
  for (const absolute of files) {
    const file = project.getSourceFileOrThrow(absolute);
    const display = path.relative(process.cwd(), absolute) || absolute;
    const error = syntaxError(file, display);
    if (error !== undefined) {
      errors.push(error);
      continue;
    }
    const found = callHazards(file, display);
    for (const fn of functionsOf(file)) {
      const cx = cxOf(fn);
      if (cx !== undefined) found.push(...hazardsOf(fn, cx, display));
    }
    hazards.push(...found.sort((a, b) => a.line - b.line || a.column - b.column));
  }
  return { hazards, errors };
}

/**
 * The name of the `Cx` a function's body runs under, if it runs in a task: a scoped function's first parameter; an
 * inline child or body (`n.start(async (cx) => ...)`, `moveOnAfter(cx, ms, async (cx) => ...)`) whose untyped first
 * parameter is a `Cx` by context; a nursery's body (`withNursery(cx, async (n) => ...)`), which runs in the task
 * of the `cx` given to it.
 */
function cxOf(fn: FunctionNode): string | undefined {
  const parent = fn.getParent();
  if (Node.isCallExpression(parent) && /(^|\.)withNursery$/.test(parent.getExpression().getText()) && isCorralCall(parent)) {
    const given = unwrap(parent.getArguments()[0] ?? parent);
    return Node.isIdentifier(given) ? given.getText() : undefined;
  }
  const first = fn.getParameters()[0];
  if (first === undefined || !Node.isIdentifier(first.getNameNode())) return undefined;
  if (isScopedFunction(fn)) return first.getName();
  const inline = Node.isCallExpression(parent) || Node.isArrayLiteralExpression(parent);
  return inline && first.getTypeNode() === undefined && isCxType(first.getType()) ? first.getName() : undefined;
}

function hazardsOf(fn: FunctionNode, cx: string, display: string): Hazard[] {
  const found: Hazard[] = [];
  const report = (code: Hazard["code"], at: Node, message: string, hint: string): void => void found.push(hazardAt(code, at, display, message, hint));
  walk(fn.getBody()!, (node) => {
    if (isBoundary(node)) return "skip";
    if (Node.isCatchClause(node)) {
      const tryStatement = node.getParent();
      const binding = node.getVariableDeclaration()?.getNameNode();
      const guarded = /\bisCancelled\(/.test(node.getBlock().getStatements()[0]?.getText() ?? "");
      if (Node.isTryStatement(tryStatement) && hasCheckpoint(tryStatement.getTryBlock()) && !guarded && !rethrowsAlways(node.getBlock(), binding)) {
        report("swallowed-cancelled", node, "this catch can end without rethrowing, so it swallows (or replaces) Cancelled", `rethrow it first: if (isCancelled(e)) throw e;`);
      }
    }
    if (Node.isAwaitExpression(node)) {
      const value = unwrap(node.getExpression());
      const combinator = combinatorHint(value, cx, (element) => isScopedWork(element));
      if (combinator !== undefined) report("unbridged-await", node, combinator.message, combinator.hint);
      else if (!isScopedWork(value) && isPromiseLike(value)) {
        report("unbridged-await", node, `\`${short(value.getText())}\` is a foreign promise: awaiting it is no checkpoint, a cancellation cannot reach it`, `bridge it: await fromPromise(${cx}, (signal) => ...) (pass the signal if it takes one)`);
      }
    }
    if (Node.isExpressionStatement(node)) {
      const value = unwrap(node.getExpression());
      if (Node.isCallExpression(value) && isPromiseLike(value, false)) {
        report("floating-promise", node, `\`${short(value.getText())}\` starts work nobody waits for: it outlives the scope and its failure is lost`, `await it, or start it in a nursery: withNursery(${cx}, (n) => n.start(...))`);
      }
    }
    return undefined;
  });
  return found;
}

/**
 * Work that is scoped: a call of corral, of a scoped function, or of anything given a Cx first but a legacy wrapper
 * (a parameter `work: (cx: Cx) => Promise<T>`; a wrapper given one is reported as such), a name holding one
 * (`const p = all(cx, ...)`, what `--to scoped` writes for a promise awaited at once), or a choice between such
 * (`c ? fromPromise(...) : f(cx)`).
 */
function isScopedWork(node: Node, held = true): boolean {
  node = unwrap(node);
  if (Node.isConditionalExpression(node)) return isScopedWork(node.getWhenTrue(), held) && isScopedWork(node.getWhenFalse(), held);
  if (Node.isIdentifier(node)) {
    return held && (node.getSymbol()?.getDeclarations() ?? []).some((d) => Node.isVariableDeclaration(d) && d.getInitializer() !== undefined && isScopedWork(d.getInitializer()!, false));
  }
  return Node.isCallExpression(node) && (isCorralCall(node) || resolveCallable(node.getExpression())?.kind === "scoped" || passesCx(node));
}
