/**
 * The callback shape an earlier run of `--to async` keeps for an exported err-first function:
 * `function f(a, cb) { callbackify(fAsync)(a, cb); }`. `util.callbackify` always calls back on a later turn, so a
 * caller handing its callback to such a function needs no `callback-may-run-synchronously` refusal: that is what
 * makes the refusal's advice ("migrate that function first, then this one") work on the next run.
 */
import { Node, type Statement } from "ts-morph";
import { isFunctionNode } from "../engine/functions.ts";
import { Refusal } from "../engine/refusal.ts";
import { readPreamble } from "./preamble.ts";

/**
 * `{ callbackify(fAsync)(...args); }`, after the statements that pick the callback out of the arguments if any
 * (preamble.ts): the old shape of an err-first function whose callers this stage cannot list, kept by it.
 */
export function isCallbackifyShim(body: Node): boolean {
  if (!Node.isBlock(body)) return false;
  const statements = body.getStatements();
  const last = statements.at(-1);
  if (last === undefined || !Node.isExpressionStatement(last)) return false;
  const call = last.getExpression();
  if (!Node.isCallExpression(call)) return false;
  // `callbackify(fAsync)(...)`, or `callbackify(fAsync).call(this, ...)` where the function reads `this`
  const callee = call.getExpression();
  const inner = Node.isPropertyAccessExpression(callee) && callee.getName() === "call" ? callee.getExpression() : callee;
  if (!Node.isCallExpression(inner) || !/(^|\.)callbackify$/.test(inner.getExpression().getText())) return false;
  return statements.length === 1 || onlyPreambleBefore(body, statements, call.getArguments().at(-1));
}

/** Whether the statements before the last are the shuffle a callback shape keeps, `callback` the callback it hands on. */
function onlyPreambleBefore(body: Node, statements: Statement[], callback: Node | undefined): boolean {
  const fn = body.getParent();
  if (callback === undefined || fn === undefined || !isFunctionNode(fn)) return false;
  const param = fn.getParameters().find((p) => p.getName() === callback.getText())?.getNameNode();
  if (!Node.isIdentifier(param)) return false;
  try {
    return readPreamble(fn.getParameters(), statements, param).rest.length === 1;
  } catch (error) {
    if (error instanceof Refusal) return false;
    throw error;
  }
}

/**
 * The function declarations `callee` (a name or `module.name`) stands for, through imports, `require`, and
 * `module.exports = { name }` / `exports.name = name`: what the compiler resolves, in this file or another.
 */
export function declarationsOf(callee: Node): Node[] {
  const found: Node[] = [];
  const seen = new Set<Node>();
  const visit = (node: Node | undefined, depth: number): void => {
    if (node === undefined || depth > 4 || seen.has(node)) return;
    seen.add(node);
    if (Node.isFunctionDeclaration(node) || Node.isFunctionExpression(node) || Node.isArrowFunction(node)) {
      found.push(node);
      return;
    }
    if (Node.isShorthandPropertyAssignment(node)) {
      for (const d of node.getValueSymbol()?.getDeclarations() ?? []) visit(d, depth + 1);
      return;
    }
    if (Node.isPropertyAssignment(node) || Node.isVariableDeclaration(node)) return visit(node.getInitializer(), depth + 1);
    if (Node.isBinaryExpression(node)) return visit(node.getRight(), depth + 1);
    if (Node.isPropertyAccessExpression(node) && Node.isBinaryExpression(node.getParent())) return visit(node.getParent(), depth + 1);
    if (Node.isIdentifier(node) || Node.isPropertyAccessExpression(node)) {
      let symbol = node.getSymbol();
      if (symbol?.isAlias()) symbol = symbol.getAliasedSymbol() ?? symbol;
      for (const d of symbol?.getDeclarations() ?? []) if (d !== node) visit(d, depth + 1);
    }
  };
  visit(callee, 0);
  return found;
}

/** Whether `callee` is a callback shape this stage kept (so it surely calls back on a later turn). */
export function answersThroughCallbackify(callee: Node): boolean {
  const declarations = declarationsOf(callee);
  return declarations.length > 0 && declarations.every((d) => isFunctionNode(d) && d.getBody() !== undefined && isCallbackifyShim(d.getBody()!));
}
