/**
 * The callback shape an earlier run of `--to async` keeps for an exported err-first function:
 * `function f(a, cb) { callbackify(fAsync)(a, cb); }`. `util.callbackify` always calls back on a later turn, so a
 * caller handing its callback to such a function needs no `callback-may-run-synchronously` refusal: that is what
 * makes the refusal's advice ("migrate that function first, then this one") work on the next run.
 */
import { Node, type Block, type CallExpression, type ExpressionStatement, type Identifier, type Statement } from "ts-morph";
import { isFunctionNode } from "../engine/functions.ts";
import { importedFrom } from "../engine/origin.ts";
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
 * Which of universalify's wrappers `callee` is (fs-extra's `u(fn)`), if any. Called with a callback last, the function
 * `fromCallback(fn)` returns calls `fn` with the same arguments, so it answers as `fn` does; `fromPromise(fn)` calls
 * back once, when `fn`'s promise settles.
 */
function wrapsFor(callee: Node): "fromCallback" | "fromPromise" | undefined {
  const wrapper = (name: string): "fromCallback" | "fromPromise" | undefined => (name === "fromCallback" || name === "fromPromise" ? name : undefined);
  if (Node.isPropertyAccessExpression(callee)) return requires(callee.getExpression(), "universalify") ? wrapper(callee.getName()) : undefined;
  if (!Node.isIdentifier(callee)) return undefined;
  for (const d of callee.getSymbol()?.getDeclarations() ?? []) {
    const init = Node.isVariableDeclaration(d) ? d.getInitializer() : undefined;
    if (Node.isPropertyAccessExpression(init) && requires(init.getExpression(), "universalify")) return wrapper(init.getName());
    const imported = Node.isImportSpecifier(d) ? d.getName() : Node.isBindingElement(d) ? (d.getPropertyNameNode()?.getText() ?? d.getName()) : undefined;
    if (imported !== undefined && importedFrom(callee) === "universalify") return wrapper(imported);
  }
  return undefined;
}

/** Whether `node` is `require(module)`, or a name bound to it or imported from it. */
function requires(node: Node, module: string): boolean {
  if (Node.isCallExpression(node)) {
    const [arg] = node.getArguments();
    return node.getExpression().getText() === "require" && arg !== undefined && Node.isStringLiteral(arg) && arg.getLiteralValue() === module;
  }
  return importedFrom(node) === module;
}

/**
 * The functions `callee` (a name, `module.name` or a method) stands for, through imports, `require`, and
 * `module.exports = { name }` / `exports.name = name`: what the compiler resolves, in this file or another; through
 * universalify's `fromCallback(fn)`, `fn`; a `fromPromise(fn)` call stands for itself.
 */
export function declarationsOf(callee: Node): Node[] {
  const found: Node[] = [];
  const seen = new Set<Node>();
  const visit = (node: Node | undefined, depth: number): void => {
    if (node === undefined || depth > 4 || seen.has(node)) return;
    seen.add(node);
    if (Node.isFunctionDeclaration(node) || Node.isFunctionExpression(node) || Node.isArrowFunction(node) || Node.isMethodDeclaration(node)) {
      found.push(node);
      return;
    }
    if (Node.isShorthandPropertyAssignment(node)) {
      for (const d of node.getValueSymbol()?.getDeclarations() ?? []) visit(d, depth + 1);
      return;
    }
    if (Node.isPropertyAssignment(node) || Node.isVariableDeclaration(node)) return visit(node.getInitializer(), depth + 1);
    if (Node.isCallExpression(node) && wrapsFor(node.getExpression()) === "fromCallback") return visit(node.getArguments()[0], depth + 1);
    if (Node.isCallExpression(node) && wrapsFor(node.getExpression()) === "fromPromise") {
      found.push(node); // a promise function given a callback interface: it calls back once, when the promise settles
      return;
    }
    if (Node.isBinaryExpression(node)) return visit(node.getRight(), depth + 1);
    if (Node.isCallExpression(node) && node.getExpression().getText() === "require") {
      // `u(require('./mkdirs'))`: the function the required module exports, as the compiler reads it.
      for (const signature of node.getType().getCallSignatures()) visit(signature.getDeclaration(), depth + 1);
      return;
    }
    if (Node.isConditionalExpression(node)) {
      visit(node.getWhenTrue(), depth + 1); // `isArrayLike(coll) ? eachOfArrayLike : eachOfGeneric`: either
      return visit(node.getWhenFalse(), depth + 1);
    }
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

/** Whether `callee` (standing for `declarations`, when its caller has them) is a callback shape this stage kept (so it surely calls back on a later turn). */
export function answersThroughCallbackify(callee: Node, declarations: readonly Node[] = declarationsOf(callee)): boolean {
  return declarations.length > 0 && declarations.every((d) => isFunctionNode(d) && d.getBody() !== undefined && isCallbackifyShim(d.getBody()!));
}

/**
 * `fAsync` for `f`, a function of this file whose callback shape an earlier run kept
 * (`function f(a, cb) { callbackify(fAsync)(a, cb); }`): its callers here call the async version natively.
 */
export function keptAsyncVersion(callee: Identifier): string | undefined {
  for (const declaration of callee.getSymbol()?.getDeclarations() ?? []) {
    if (!Node.isFunctionDeclaration(declaration) || declaration.getSourceFile() !== callee.getSourceFile()) continue;
    const body = declaration.getBody();
    if (body === undefined || !isCallbackifyShim(body)) continue;
    // The call is the last statement, after the shuffle the shape keeps if any (preamble.ts).
    const shim = ((body as Block).getStatements().at(-1) as ExpressionStatement).getExpression() as CallExpression;
    const head = shim.getExpression(); // `callbackify(fAsync)`, or `callbackify(fAsync).call`
    const made = (Node.isPropertyAccessExpression(head) ? head.getExpression() : head) as CallExpression;
    const [inner] = made.getArguments();
    if (inner !== undefined && Node.isIdentifier(inner)) return inner.getText();
  }
  return undefined;
}
