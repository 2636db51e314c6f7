/**
 * A check on `scan` that does not use `scan`'s own rules: the functions it calls `sync` that by their shape take a
 * callback (a parameter named like one that the body calls, hands to a call, or copies into a variable: mkdirp's
 * `mkdirP(p, opts, f, made)` with its `var cb = f || function () {}`) or return a promise (`new Promise` in their own body). Issue 15 wants none; a heuristic, so the benchmark prints it beside scan's counts, never in place of them.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { ts } from "ts-morph";
import type { ScanEntry } from "./tally.ts";

const CALLBACK_NAMES = new Set(["cb", "cb_", "callback", "callback_", "done", "next", "f", "cont"]);

type FunctionLike = ts.FunctionDeclaration | ts.FunctionExpression | ts.ArrowFunction | ts.MethodDeclaration;

/** The entries `scan` calls `sync` whose function, found by file and line under `dir`, looks err-first or Promise-returning. */
export function syncButWaiting(dir: string, scan: readonly ScanEntry[]): ScanEntry[] {
  const byFile = new Map<string, Map<number, FunctionLike[]>>();
  const functionsAt = (file: string): Map<number, FunctionLike[]> => {
    let found = byFile.get(file);
    if (found === undefined) byFile.set(file, (found = functionsByLine(path.join(dir, file))));
    return found;
  };
  return scan.filter((f) => f.style === "sync" && (functionsAt(f.file).get(f.line) ?? []).some(looksWaiting));
}

function functionsByLine(file: string): Map<number, FunctionLike[]> {
  const source = ts.createSourceFile(file, readFileSync(file, "utf8"), ts.ScriptTarget.Latest, true);
  const byLine = new Map<number, FunctionLike[]>();
  const visit = (node: ts.Node): void => {
    if (isFunction(node)) {
      const line = source.getLineAndCharacterOfPosition(node.getStart(source)).line + 1;
      byLine.set(line, [...(byLine.get(line) ?? []), node]);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return byLine;
}

function isFunction(node: ts.Node): node is FunctionLike {
  return ts.isFunctionDeclaration(node) || ts.isFunctionExpression(node) || ts.isArrowFunction(node) || ts.isMethodDeclaration(node);
}

function looksWaiting(fn: FunctionLike): boolean {
  if (fn.body === undefined) return false;
  const callbacks = new Set(fn.parameters.flatMap((p) => (ts.isIdentifier(p.name) && CALLBACK_NAMES.has(p.name.text) ? [p.name.text] : [])));
  const calledOrHandedOn = (node: ts.Node): boolean => {
    if (!ts.isIdentifier(node) || !callbacks.has(node.text)) return false;
    if (ts.isCallExpression(node.parent)) return node.parent.expression === node || node.parent.arguments.includes(node);
    // `var cb = f || noop`, `cb = f`: the value travels on under another name.
    let value: ts.Node = node;
    while (ts.isParenthesizedExpression(value.parent) || (ts.isBinaryExpression(value.parent) && [ts.SyntaxKind.BarBarToken, ts.SyntaxKind.QuestionQuestionToken].includes(value.parent.operatorToken.kind))) {
      value = value.parent;
    }
    const parent = value.parent;
    return (ts.isVariableDeclaration(parent) && parent.initializer === value) || (ts.isBinaryExpression(parent) && parent.operatorToken.kind === ts.SyntaxKind.EqualsToken && parent.right === value);
  };
  let found = false;
  // A nested function's promise is its own; a use of the callback inside one is still this function's.
  const visit = (node: ts.Node, nested: boolean): void => {
    if (found) return;
    if (calledOrHandedOn(node)) found = true;
    else if (!nested && ts.isNewExpression(node) && ts.isIdentifier(node.expression) && node.expression.text === "Promise") found = true;
    else ts.forEachChild(node, (child) => visit(child, nested || isFunction(node)));
  };
  ts.forEachChild(fn.body, (child) => visit(child, false));
  return found;
}
