/**
 * `corral check`: hazards in scoped code (functions taking `cx: Cx`), each with `file:line:col` and a fix hint:
 * a catch that swallows `Cancelled`, an `await` of a foreign promise that is no checkpoint, a floating promise; and
 * across the line between scoped and legacy code, anywhere (`call-hazards.ts`): a scoped function called without
 * `cx` or with the wrong arity, a legacy wrapper given `cx`, a scoped function handed to legacy code. The same
 * facts `--to scoped` acts on, reported instead of rewritten.
 */
import path from "node:path";
import { Node, type SourceFile } from "ts-morph";
import { isBoundary } from "../to-async/analysis.ts";
import { isCorralCall, isPromiseLike } from "../to-scoped/body.ts";
import { hasCheckpoint, rethrowsAlways } from "../to-scoped/catch-guard.ts";
import { callHazards, passesCx } from "./call-hazards.ts";
import { functionsOf, type FunctionNode } from "./functions.ts";
import { hazardAt, short, type Hazard } from "./hazard.ts";
import { openProject, syntaxError } from "./project.ts";
import { isScopedFunction, resolveCallable, unwrap } from "./resolve-callable.ts";
import { sourceFiles, type Skipped } from "./source-files.ts";
import { walk } from "./walk.ts";

/** The hazards of the files under `paths` (callees are followed into the rest of the project), in file order. */
export function check(paths: readonly string[], tsconfig?: string): { hazards: Hazard[]; errors: string[]; skipped: Skipped[] } {
  const project = openProject(paths, tsconfig);
  const hazards: Hazard[] = [];
  const errors: string[] = [];
  const skipped: Skipped[] = [];
  for (const absolute of sourceFiles(paths, skipped)) {
    const file = project.getSourceFileOrThrow(absolute);
    const display = path.relative(process.cwd(), absolute) || absolute;
    const error = syntaxError(file, display);
    if (error !== undefined) {
      errors.push(error);
      continue;
    }
    const found = callHazards(file, display);
    for (const fn of functionsOf(file)) if (isScopedFunction(fn)) found.push(...hazardsOf(fn, file, display));
    hazards.push(...found.sort((a, b) => a.line - b.line || a.column - b.column));
  }
  return { hazards, errors, skipped };
}

function hazardsOf(fn: FunctionNode, file: SourceFile, display: string): Hazard[] {
  const found: Hazard[] = [];
  const cx = fn.getParameters()[0]!.getName();
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
      if (!isScopedWork(value) && isPromiseLike(value)) {
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
