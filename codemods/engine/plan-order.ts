/**
 * The order a file's functions are planned in: a function after the functions nested in it (an outer rewrite copies
 * the inner edits), and after the functions of the file it calls or hands on by name (`f`, `exports.f`), so a caller is written knowing what
 * became of its callee in this run (an err-first function made async is called natively; one that stays a callback
 * API is handed the callback). Otherwise, and in a cycle of calls, the source order, innermost and last first.
 */
import { ts } from "ts-morph";
import type { Candidate } from "./functions.ts";

/** `selected` (in source order) in the order to plan them. */
export function planOrder(selected: readonly Candidate[]): Candidate[] {
  const byNode = new Map<ts.Node, Candidate>(selected.map((fn) => [fn.compilerNode, fn]));
  const declared = new Map<string, Candidate>();
  for (const fn of selected) {
    const name = calledAs(fn.compilerNode);
    if (name !== undefined) declared.set(name, fn);
  }
  const before = new Map<Candidate, Candidate[]>(selected.map((fn) => [fn, []]));
  for (const fn of selected) {
    const deps = before.get(fn)!;
    const visit = (node: ts.Node): void => {
      const nested = byNode.get(node);
      if (nested !== undefined) {
        deps.push(nested);
        return; // its own calls are its own dependencies
      }
      // Called by name, or handed on by name to be called (`async.each(items, sizeOf, done)`, `series([a, b], done)`).
      const named =
        ts.isCallExpression(node) && (ts.isIdentifier(node.expression) || ts.isPropertyAccessExpression(node.expression)) ? node.expression : handedOn(node);
      if (named !== undefined) {
        const callee = declared.get(named.getText());
        // A call of a function this one is nested in (recursion) orders nothing: the nested one comes first.
        if (callee !== undefined && !encloses(callee.compilerNode, fn.compilerNode)) deps.push(callee);
      }
      ts.forEachChild(node, visit);
    };
    ts.forEachChild(fn.compilerNode, visit);
  }
  const order: Candidate[] = [];
  const state = new Map<Candidate, "visiting" | "done">();
  const place = (fn: Candidate): void => {
    if (state.has(fn)) return;
    state.set(fn, "visiting");
    // Nested functions come last in source order first, as the callees found in them.
    for (const dep of [...before.get(fn)!].reverse()) place(dep);
    state.set(fn, "done");
    order.push(fn);
  };
  for (const fn of [...selected].reverse()) place(fn);
  return order;
}

/**
 * How the file calls a function by name: a declaration's name, the variable holding it (`const f = ...`), or the
 * export it is assigned to (`exports.f = function ...`).
 */
function calledAs(node: ts.Node): string | undefined {
  if (ts.isFunctionDeclaration(node)) return node.name?.text;
  if (!ts.isFunctionExpression(node) && !ts.isArrowFunction(node)) return undefined;
  const parent = node.parent;
  if (ts.isVariableDeclaration(parent) && ts.isIdentifier(parent.name)) return parent.name.text;
  if (ts.isBinaryExpression(parent) && parent.right === node && parent.operatorToken.kind === ts.SyntaxKind.EqualsToken) {
    return /^(module\.)?exports\.[\w$]+$/.test(parent.left.getText()) ? parent.left.getText() : undefined;
  }
  return undefined;
}

/** `node` if it is a name passed as an argument, or as an element of an array passed as one. */
function handedOn(node: ts.Node): ts.Identifier | undefined {
  if (!ts.isIdentifier(node)) return undefined;
  const parent = ts.isArrayLiteralExpression(node.parent) ? node.parent.parent : node.parent;
  return ts.isCallExpression(parent) && parent.expression !== node ? node : undefined;
}

function encloses(outer: ts.Node, inner: ts.Node): boolean {
  return outer.pos <= inner.pos && inner.end <= outer.end;
}
