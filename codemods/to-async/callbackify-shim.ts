/**
 * The callback shape an earlier run of `--to async` keeps for an exported err-first function:
 * `function f(a, cb) { callbackify(fAsync)(a, cb); }`. `util.callbackify` always calls back on a later turn, so a
 * caller handing its callback to such a function needs no `callback-may-run-synchronously` refusal: that is what
 * makes the refusal's advice ("migrate that function first, then this one") work on the next run.
 */
import { Node } from "ts-morph";
import { isFunctionNode } from "../engine/functions.ts";

/** `{ callbackify(fAsync)(...args); }`: the old shape of an err-first function whose callers this stage cannot list, kept by it. */
export function isCallbackifyShim(body: Node): boolean {
  if (!Node.isBlock(body)) return false;
  const [only, ...rest] = body.getStatements();
  if (only === undefined || rest.length > 0 || !Node.isExpressionStatement(only)) return false;
  const call = only.getExpression();
  if (!Node.isCallExpression(call)) return false;
  // `callbackify(fAsync)(...)`, or `callbackify(fAsync).call(this, ...)` where the function reads `this`
  const callee = call.getExpression();
  const inner = Node.isPropertyAccessExpression(callee) && callee.getName() === "call" ? callee.getExpression() : callee;
  return Node.isCallExpression(inner) && /(^|\.)callbackify$/.test(inner.getExpression().getText());
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
