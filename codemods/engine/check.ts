/**
 * `corral check`: hazards in scoped code (functions taking `cx: Cx`), each with `file:line:col` and a fix hint:
 * a catch that swallows `Cancelled`, an `await` of a foreign promise that is no checkpoint, a floating promise, a
 * scoped function called without `cx`. The same facts `--to scoped` acts on, reported instead of rewritten.
 */
import path from "node:path";
import { Node, type SourceFile } from "ts-morph";
import { isBoundary } from "../to-async/analysis.ts";
import { isCorralCall, isPromiseLike } from "../to-scoped/body.ts";
import { hasCheckpoint, rethrowsAlways } from "../to-scoped/catch-guard.ts";
import { functionOf, isAlreadyScoped } from "../to-scoped/world.ts";
import { functionsOf, nameOf, type FunctionNode } from "./functions.ts";
import { openProject, syntaxError } from "./project.ts";
import { sourceFiles, type Skipped } from "./source-files.ts";
import { walk } from "./walk.ts";

export type HazardCode = "swallowed-cancelled" | "unbridged-await" | "floating-promise" | "missing-cx";

export interface Hazard {
  code: HazardCode;
  file: string;
  line: number;
  column: number;
  function: string;
  message: string;
  hint: string;
}

export function check(paths: readonly string[], tsconfig?: string): { hazards: Hazard[]; errors: string[]; skipped: Skipped[] } {
  const project = openProject(paths, tsconfig);
  const hazards: Hazard[] = [];
  const errors: string[] = [];
  const skipped: Skipped[] = [];
  for (const absolute of sourceFiles(paths, skipped)) {
    const file = project.getSourceFileOrThrow(absolute);
    const display = path.relative(process.cwd(), absolute) || absolute;
    const error = syntaxError(file, display);
    if (error !== undefined) errors.push(error);
    else for (const fn of functionsOf(file)) if (isAlreadyScoped(fn)) hazards.push(...hazardsOf(fn, file, display));
  }
  return { hazards, errors, skipped };
}

function hazardsOf(fn: FunctionNode, file: SourceFile, display: string): Hazard[] {
  const found: Hazard[] = [];
  const cx = fn.getParameters()[0]!.getName();
  const report = (code: HazardCode, at: Node, message: string, hint: string): void => {
    const { line, column } = file.getLineAndColumnAtPos(at.getStart());
    found.push({ code, file: display, line, column, function: nameOf(fn), message, hint });
  };
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
      const scoped = isScopedWork(value) || (Node.isIdentifier(value) && heldScopedWork(value));
      if (!scoped && isPromiseLike(value)) {
        report("unbridged-await", node, `\`${short(value.getText())}\` is a foreign promise: awaiting it is no checkpoint, a cancellation cannot reach it`, `bridge it: await fromPromise(${cx}, (signal) => ...) (pass the signal if it takes one)`);
      }
    }
    if (Node.isExpressionStatement(node)) {
      const value = unwrap(node.getExpression());
      if (Node.isCallExpression(value) && isPromiseLike(value, false)) {
        report("floating-promise", node, `\`${short(value.getText())}\` starts work nobody waits for: it outlives the scope and its failure is lost`, `await it, or start it in a nursery: withNursery(${cx}, (n) => n.start(...))`);
      }
    }
    if (Node.isCallExpression(node)) {
      const callee = functionOf(node.getExpression());
      if (callee !== undefined && isAlreadyScoped(callee) && !passesCx(node)) {
        report("missing-cx", node, `\`${short(node.getExpression().getText())}\` is scoped but is not given a Cx first`, `pass the context: ${short(node.getExpression().getText())}(${cx}, ...)`);
      }
    }
    return undefined;
  });
  return found;
}

function unwrap(node: Node): Node {
  while (Node.isParenthesizedExpression(node) || Node.isAsExpression(node) || Node.isNonNullExpression(node)) node = node.getExpression();
  return node;
}

/** A call of corral or of a scoped function: its promise is scoped work. */
function isScopedWork(node: Node): boolean {
  if (!Node.isCallExpression(node)) return false;
  const callee = functionOf(node.getExpression());
  return isCorralCall(node) || (callee !== undefined && isAlreadyScoped(callee));
}

/** `const p = all(cx, ...)`: a name holding scoped work (what `--to scoped` writes for a promise awaited at once). */
function heldScopedWork(id: Node): boolean {
  return (id.getSymbol()?.getDeclarations() ?? []).some((d) => Node.isVariableDeclaration(d) && d.getInitializer() !== undefined && isScopedWork(unwrap(d.getInitializer()!)));
}

/** Whether the call's first argument is a `Cx` (typed so, or, untyped, a name ending in `cx`). */
function passesCx(call: import("ts-morph").CallExpression): boolean {
  const first = call.getArguments()[0];
  if (first === undefined) return false;
  const type = first.getType();
  if (type.isAny()) return /cx\d*$/i.test(first.getText());
  return /(^|\.)Cx$/.test(type.getText()) || type.getProperty("signal") !== undefined && type.getProperty("deadline") !== undefined;
}

function short(text: string): string {
  const flat = text.replace(/\s+/g, " ");
  return flat.length > 60 ? `${flat.slice(0, 57)}...` : flat;
}
